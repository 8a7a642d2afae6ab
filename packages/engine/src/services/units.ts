/**
 * Units of a drug billed by a HCPCS code: the documented dose divided by the
 * dosage in the code's long description ("Injection, ... up to 1000 mcg",
 * "... per 250 mg"), rounded up. Doses and descriptors are compared in one
 * dimension (mass, volume or units); otherwise the units stay 1 and the
 * reason says why.
 */

export interface Dosage {
  amount: number;
  unit: string;
  /** "up to" or "per", as the descriptor says. */
  kind: 'up to' | 'per' | 'each';
}

const MASS: Record<string, number> = { g: 1_000_000, gm: 1_000_000, gram: 1_000_000, grams: 1_000_000, mg: 1000, mcg: 1, ug: 1, microgram: 1, micrograms: 1 };
const VOLUME: Record<string, number> = { l: 1000, ml: 1, cc: 1 };
const UNITS: Record<string, number> = { unit: 1, units: 1, iu: 1 };

function dimension(unit: string): { dim: 'mass' | 'volume' | 'units'; factor: number } | undefined {
  const u = unit.toLowerCase();
  if (u in MASS) return { dim: 'mass', factor: MASS[u]! };
  if (u in VOLUME) return { dim: 'volume', factor: VOLUME[u]! };
  if (u in UNITS) return { dim: 'units', factor: UNITS[u]! };
  return undefined;
}

/** The dosage of a HCPCS long description, e.g. "up to 1000 mcg" → 1000 mcg. */
export function descriptorDosage(title: string): Dosage | undefined {
  const re = /(up to |per )?(\d[\d,]*(?:\.\d+)?) ?(mcg|mg|gm|g|units?|iu|ml|cc)\b/gi;
  let last: RegExpExecArray | undefined;
  for (const m of title.matchAll(re)) last = m as RegExpExecArray;
  if (!last) return undefined;
  return { amount: Number(last[2]!.replace(/,/g, '')), unit: last[3]!.toLowerCase(), kind: last[1] ? (last[1].trim().toLowerCase() as 'up to' | 'per') : 'each' };
}

export interface DoseUnits {
  units: number;
  dose?: { amount: number; unit: string };
  per?: string;
  reason: string;
  evidence?: (text: string) => { start: number; end: number; text: string };
}

/** A dose written near a drug mention: after it first (within the sentence), else just before it. */
export function doseNear(lower: string, at: { start: number; end: number; sentence: { start: number; end: number } }): { amount: number; unit: string; start: number; end: number } | undefined {
  const re = /(\d[\d,]*(?:\.\d+)?) ?(mcg|micrograms?|mg|grams?|gm|g|units?|iu|ml|cc)\b/g;
  const after = lower.slice(at.end, Math.min(at.sentence.end, at.end + 60));
  const m = re.exec(after);
  if (m) return { amount: Number(m[1]!.replace(/,/g, '')), unit: m[2]!, start: at.end + m.index, end: at.end + m.index + m[0].length };
  const beforeFrom = Math.max(at.sentence.start, at.start - 30);
  const before = lower.slice(beforeFrom, at.start);
  let b: RegExpExecArray | null;
  let lastB: RegExpExecArray | undefined;
  re.lastIndex = 0;
  while ((b = re.exec(before))) lastB = b;
  if (lastB) return { amount: Number(lastB[1]!.replace(/,/g, '')), unit: lastB[2]!, start: beforeFrom + lastB.index, end: beforeFrom + lastB.index + lastB[0].length };
  return undefined;
}

export function doseUnits(lower: string, at: { start: number; end: number; sentence: { start: number; end: number } }, title: string | undefined): DoseUnits {
  const dosage = title ? descriptorDosage(title) : undefined;
  const dose = doseNear(lower, at);
  const per = dosage ? `${dosage.kind === 'each' ? '' : `${dosage.kind} `}${dosage.amount} ${dosage.unit}` : undefined;
  const ev = dose ? (text: string) => ({ start: dose.start, end: dose.end, text: text.slice(dose.start, dose.end) }) : undefined;
  if (!dose) return { units: 1, ...(per ? { per } : {}), reason: `no dose documented: 1 unit${per ? ` (billed ${per})` : ''}` };
  const doseOut = { amount: dose.amount, unit: dose.unit };
  if (!dosage) return { units: 1, dose: doseOut, reason: `dose ${dose.amount} ${dose.unit}; the code's description states no dosage: 1 unit`, ...(ev ? { evidence: ev } : {}) };
  const a = dimension(dose.unit.replace(/s$/, '') in MASS ? dose.unit.replace(/s$/, '') : dose.unit);
  const b = dimension(dosage.unit);
  if (!a || !b || a.dim !== b.dim) {
    return { units: 1, dose: doseOut, per: per!, reason: `dose ${dose.amount} ${dose.unit} cannot be compared with the descriptor's ${dosage.amount} ${dosage.unit}: 1 unit; check the units`, ...(ev ? { evidence: ev } : {}) };
  }
  const ratio = (dose.amount * a.factor) / (dosage.amount * b.factor);
  const units = Math.max(1, Math.ceil(ratio - 1e-9));
  return { units, dose: doseOut, per: per!, reason: `dose ${dose.amount} ${dose.unit} ÷ ${per} = ${Math.round(ratio * 100) / 100} → ${units} ${units === 1 ? 'unit' : 'units'}`, ...(ev ? { evidence: ev } : {}) };
}
