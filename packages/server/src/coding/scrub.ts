/**
 * The workstation's edits come from the engine's claim scrubber: the final
 * codes of an encounter become a claim (diagnoses in sequence, ICD-10-PCS
 * procedures of a stay, CPT/HCPCS service lines) and every edit layer runs on
 * it: code validity, ICD-10-CM instructions (Excludes1, code first), MCE,
 * POA, NCCI PTP, MUE, add-on codes and medical necessity. Each finding keeps
 * the scrubber's advice; the one-click fixes the coder is offered come from
 * data/edit-fixes.json.
 */
import { readFileSync } from 'node:fs';
import { isMedcoderError, Scrubber, type CodeSets, type Finding, type LayerStatus } from '@medcoder/engine';
import type { BridgeFinding, EditInput } from './engine-bridge.js';

interface FixSpec {
  kind: 'remove' | 'billable' | 'poa';
  /** position of the code in the finding's codes */
  code: number;
  value?: string | null;
}

const FIX_DATA = JSON.parse(readFileSync(new URL('../../data/edit-fixes.json', import.meta.url), 'utf8')) as { rules: Record<string, FixSpec[]>; poaLabels: Record<string, string> };

/** The MCE age edits need the patient's age; they are switched off when the birth date is unknown. */
const AGE_RULES = ['mce.age-newborn', 'mce.age-pediatric', 'mce.age-maternity', 'mce.age-adult'];

export interface ScrubAnswer {
  engine: string;
  findings: BridgeFinding[];
  layers: LayerStatus[];
}

const scrubbers = new WeakMap<CodeSets, Map<string, Scrubber>>();

/**
 * One scrubber per kind of claim, kept with its loaded tables. A claim
 * without service lines outside a stay is checked for its diagnoses only (the
 * layers that need lines or a stay are off).
 */
function scrubberFor(codeSets: CodeSets, diagnosesOnly: boolean, knownAge: boolean): Scrubber {
  let m = scrubbers.get(codeSets);
  if (!m) scrubbers.set(codeSets, (m = new Map()));
  const key = `${diagnosesOnly}|${knownAge}`;
  let s = m.get(key);
  if (!s) {
    s = new Scrubber(codeSets, {
      ...(diagnosesOnly ? { layers: { mce: false, poa: false, 'ncci-ptp': false, mue: false, 'add-on': false, 'medical-necessity': false } } : {}),
      ...(knownAge ? {} : { disabledRules: AGE_RULES }),
    });
    m.set(key, s);
  }
  return s;
}

const bySequence = (a: { sequence: number }, b: { sequence: number }) => a.sequence - b.sequence;

/** The claim the scrubber checks for an encounter's final codes. */
export function claimOf(input: EditInput): { claim: Record<string, unknown>; diagnosesOnly: boolean; knownAge: boolean } {
  const dx = input.codes.filter((c) => c.system === 'icd10cm').sort(bySequence);
  const pcs = input.codes.filter((c) => c.system === 'icd10pcs').sort(bySequence);
  const lines = input.codes.filter((c) => c.system === 'cpt' || c.system === 'hcpcs').sort(bySequence);
  const inpatient = input.setting === 'inpatient';
  const diagnosesOnly = !inpatient && lines.length === 0;
  const birthDate = input.patient?.birthDate ?? null;
  const sex = input.patient?.sex === 'F' || input.patient?.sex === 'M' ? input.patient.sex : 'U';
  const pointers = dx.slice(0, 4).map((_, i) => i + 1);
  const stay = inpatient || diagnosesOnly;
  const claim = {
    id: `ENC${input.encounterId ?? 0}`,
    // a diagnoses-only check reads the diagnoses as a stay would, with the stay-only layers off
    setting: stay ? 'inpatient' : input.setting === 'professional' ? 'professional' : 'outpatient-facility',
    patient: { birthDate: birthDate ?? '1900-01-01', sex },
    diagnoses: dx.map((c) => ({ code: c.code, ...(inpatient && c.poa ? { poa: c.poa } : {}) })),
    procedures: inpatient ? pcs.map((p) => ({ code: p.code, date: input.date })) : [],
    lines: stay && !inpatient ? [] : lines.map((l) => ({ system: l.system, code: l.code, units: 1, date: input.date, diagnosisPointers: pointers })),
    ...(stay ? { admission: { date: input.date }, discharge: { date: input.dateTo && input.dateTo >= input.date ? input.dateTo : input.date } } : {}),
  };
  return { claim, diagnosesOnly, knownAge: birthDate !== null };
}

async function fixesFor(codeSets: CodeSets, f: Finding, date: string): Promise<BridgeFinding['fixes']> {
  const out: BridgeFinding['fixes'] = [];
  for (const spec of FIX_DATA.rules[f.rule] ?? []) {
    const code = f.codes[spec.code];
    if (!code) continue;
    if (spec.kind === 'remove') out.push({ action: 'remove', code, label: `Remove ${code}` });
    else if (spec.kind === 'poa') {
      out.push({ action: 'replace', code, replacement: `POA:${spec.value ?? ''}`, label: spec.value ? `POA ${FIX_DATA.poaLabels[spec.value] ?? spec.value}` : `Clear the POA indicator of ${code}` });
    } else {
      const v = await codeSets.validate('icd10cm', code, { date }).catch(() => undefined);
      for (const r of [...(v?.billableChildren ?? []), ...(v?.suggestions ?? [])].slice(0, 4)) out.push({ action: 'replace', code, replacement: r.code, label: `Replace with ${r.code} ${r.title}` });
    }
  }
  return out;
}

/** Scrub the final codes of an encounter; problems the claim model refuses come back as findings too. */
export async function scrubEdits(codeSets: CodeSets, input: EditInput): Promise<ScrubAnswer> {
  const findings: BridgeFinding[] = [];
  if (!input.codes.length) return { engine: 'engine:Scrubber', findings, layers: [] };
  if (!input.codes.some((c) => c.system === 'icd10cm')) {
    findings.push({ rule: 'claim.no-diagnosis', layer: 'claim', severity: 'error', message: 'A claim needs at least one diagnosis code.', advice: 'Add the diagnosis the record supports.', codes: [], fixes: [] });
    return { engine: 'engine:Scrubber', findings, layers: [] };
  }
  const { claim, diagnosesOnly, knownAge } = claimOf(input);
  if (diagnosesOnly) {
    findings.push({
      rule: 'claim.no-service-line', layer: 'claim', severity: 'warning', codes: [], fixes: [],
      message: `${/^[aeiou]/.test(input.setting) ? 'An' : 'A'} ${input.setting} claim needs at least one CPT or HCPCS service line; only the diagnosis edits ran.`,
      advice: 'Add the services the record documents to run the NCCI, MUE, add-on and coverage edits.',
    });
  }
  let result;
  try {
    result = await scrubberFor(codeSets, diagnosesOnly, knownAge).scrub(claim);
  } catch (e) {
    if (!isMedcoderError(e) || e.code !== 'INVALID_CLAIM') throw e;
    const issues = (e.details['issues'] ?? []) as Array<{ path?: Array<string | number>; message?: string }>;
    findings.push({
      rule: 'claim.invalid', layer: 'claim', severity: 'error', codes: [], fixes: [],
      message: `The codes do not make a valid claim: ${issues.map((i) => `${(i.path ?? []).join('.')} ${i.message ?? ''}`.trim()).join('; ') || e.message}`,
      advice: 'Correct the codes named; the other edits run once the claim is valid.',
    });
    return { engine: 'engine:Scrubber', findings, layers: [] };
  }
  for (const f of result.findings) {
    findings.push({
      rule: f.rule, layer: f.layer, severity: f.severity, message: f.message, codes: f.codes,
      ...(f.fix ? { advice: f.fix } : {}), ...(f.source ? { source: f.source } : {}),
      fixes: await fixesFor(codeSets, f, input.date),
    });
  }
  const ran = result.layers.filter((l) => l.ran).map((l) => l.layer);
  return { engine: `engine:Scrubber (${ran.join(', ') || 'no layer ran'})`, findings, layers: result.layers };
}
