/**
 * Layer 6, add-on code edits: an add-on code is paid only beside one of its
 * primary codes, for the same patient, by the same provider, on the same
 * date. The NCCI add-on code table gives each add-on code's edit type:
 * 1 — CMS lists every acceptable primary code;
 * 2 — CMS lists none; the contractor decides (no edit here);
 * 3 — CMS lists some; the contractor may accept others (a warning here).
 */
import { MedcoderError } from '../errors.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { listCodes, type ClaimContext } from './context.js';
import type { FindingSink } from './finding.js';

/** One add-on code: edit type, primary codes with their dates, CMS's note. */
export interface AocEntry {
  /** 1, 2 or 3 (see above). */
  t: number;
  /** [primary code, first date, last date or ""]. */
  p: Array<[string, string, string]>;
  /** Special instruction notes. */
  n?: string;
}

export interface AocCompiled {
  addOns: Record<string, AocEntry>;
}

export const AOC_FILE = 'aoc.json';

const CODE = /^[0-9A-Z]{5}$/;
/** The primary-code column's marker for "primary codes defined by the contractor". */
const CONTRACTOR_DEFINED = 'CCCCC';

const isoOrEmpty = (s: unknown, where: string): string => {
  const t = String(s ?? '').trim();
  if (!t) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  if (/^\d{8}$/.test(t)) return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
  throw new MedcoderError('SOURCE_MALFORMED', `${where}: "${t}" is not a date`);
};

/** The JSON conversion of the AOC table: [{ code1: add-on, code2: primary, modifier: edit type, effective_date, end_date, description }]. */
export function compileAocJson(text: string, path: string): { data: AocCompiled; counts: Record<string, number> } {
  let raw: Array<{ code1?: string; code2?: string; modifier?: string | number; edit_type?: string; effective_date?: string; end_date?: string; description?: string }>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `${path}: not JSON: ${(e as Error).message}`, { path });
  }
  if (!Array.isArray(raw)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: expected an array of add-on code records`, { path });
  const addOns: Record<string, AocEntry> = {};
  let pairs = 0;
  raw.forEach((r, i) => {
    const where = `${path} record ${i + 1}`;
    const aoc = String(r.code1 ?? '').trim().toUpperCase();
    const primary = String(r.code2 ?? '').trim().toUpperCase();
    if (!CODE.test(aoc) || !CODE.test(primary)) throw new MedcoderError('SOURCE_MALFORMED', `${where}: "${r.code1}"/"${r.code2}" are not CPT/HCPCS codes`, { path });
    const type = Number(r.modifier);
    if (type !== 1 && type !== 2 && type !== 3) throw new MedcoderError('SOURCE_MALFORMED', `${where}: add-on edit type "${r.modifier}" is not 1, 2 or 3`, { path });
    const e = (addOns[aoc] ??= { t: type, p: [] });
    if (type > e.t) e.t = type;
    const note = String(r.description ?? '').trim().replace(/^"|"$/g, '');
    if (note && note !== 'Contractor Defined Primary Codes' && !e.n) e.n = note;
    if (primary === CONTRACTOR_DEFINED) return;
    e.p.push([primary, isoOrEmpty(r.effective_date, where), isoOrEmpty(r.end_date, where)]);
    pairs++;
  });
  const codes = Object.keys(addOns);
  return {
    data: { addOns },
    counts: {
      'add-on codes': codes.length,
      'primary pairs': pairs,
      'type 1': codes.filter((c) => addOns[c]!.t === 1).length,
      'type 2': codes.filter((c) => addOns[c]!.t === 2).length,
      'type 3': codes.filter((c) => addOns[c]!.t === 3).length,
    },
  };
}

export class AocTable {
  constructor(readonly data: AocCompiled, readonly label: string) {}

  static fromCompiled(data: unknown, manifest: ReleaseManifest): AocTable {
    return new AocTable(data as AocCompiled, manifest.label);
  }

  entry(code: string): AocEntry | undefined {
    return this.data.addOns[code];
  }

  /** Primary codes of an add-on code in force on a date. */
  primaries(code: string, date: string): string[] {
    const e = this.data.addOns[code];
    if (!e) return [];
    const out: string[] = [];
    for (const [p, from, to] of e.p) if ((!from || from <= date) && (!to || date <= to)) out.push(p);
    return out;
  }
}

export function checkAddOn(ctx: ClaimContext, sink: FindingSink, table: AocTable): void {
  if (ctx.setting === 'inpatient') return;
  for (const l of ctx.lines) {
    const e = table.entry(l.code);
    if (!e || e.t === 2) continue;
    const primaries = table.primaries(l.code, l.date);
    if (!primaries.length) continue;
    const wanted = new Set(primaries);
    const found = ctx.lines.some((o) => o !== l && o.date === l.date && wanted.has(o.code) && (!o.npi || !l.npi || o.npi === l.npi));
    if (found) continue;
    const shown = primaries.slice(0, 8);
    const vars = {
      code: l.code,
      line: l.n,
      date: l.date,
      primaries: `${listCodes(shown)}${primaries.length > shown.length ? ` (and ${primaries.length - shown.length} more)` : ''}`,
      note: e.n ? ` CMS note: ${e.n}.` : '',
    };
    sink.emit(e.t === 1 ? 'add-on.no-primary' : 'add-on.no-listed-primary', { codes: [l.code], lines: [l.n], vars, source: table.label });
  }
}
