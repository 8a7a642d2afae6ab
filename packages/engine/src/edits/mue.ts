/**
 * Layer 5, medically unlikely edits (MUE): the most units of a code one
 * provider reports for one patient, judged by the MUE adjudication indicator
 * (MAI): 1 per claim line; 2 per date of service, an absolute policy limit;
 * 3 per date of service, a clinical limit that documentation can overcome
 * on appeal. An MUE of 0 means the code is not payable in that setting.
 *
 * Sources: CMS's quarterly MUE tables (practitioner, outpatient hospital, DME
 * supplier) as CSV, or the JSON conversion of the practitioner table in the
 * shared data. Practitioner values apply to professional claims, outpatient
 * hospital values to outpatient facility claims.
 */
import { StringPool } from '../util/string-pool.js';
import { MedcoderError } from '../errors.js';
import { parseCsv } from '../cpt/csv.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { listCodes, type ClaimContext, type LineItem } from './context.js';
import type { FindingSink } from './finding.js';

export const MUE_TABLES = ['practitioner', 'hospital', 'dme'] as const;
export type MueTableKind = (typeof MUE_TABLES)[number];

export interface MueRow {
  code: string;
  value: number;
  mai: 1 | 2 | 3;
  rationale: string;
}

export interface MueColumns {
  codes: string[];
  values: number[];
  mai: number[];
  why: number[];
}

export interface MueCompiled {
  tables: Partial<Record<MueTableKind, MueColumns>>;
  rationales: string[];
}

export const MUE_FILE = 'mue.json';

const CODE = /^[0-9A-Z]{5}$/;

/** "3 Clinical: Data" or "2 Date of Service Edit: Policy" → MAI 3 / 2 and the rest. */
export function splitMai(text: string, where: string): { mai: 1 | 2 | 3; rest: string } {
  const m = /^\s*([123])\b\s*(.*)$/.exec(text);
  if (!m) throw new MedcoderError('SOURCE_MALFORMED', `${where}: "${text}" does not start with an MUE adjudication indicator 1, 2 or 3`);
  return { mai: Number(m[1]) as 1 | 2 | 3, rest: m[2]!.trim() };
}

/** The JSON conversion: [{ code, mue_value, description: "<MAI> <rationale>", effective_date, end_date, source_file }]. */
export function parseMueJson(text: string, path: string): { table: MueTableKind; rows: MueRow[]; effective?: string } {
  let raw: Array<{ code?: string; mue_value?: number | string; description?: string; effective_date?: string; source_file?: string }>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `${path}: not JSON: ${(e as Error).message}`, { path });
  }
  if (!Array.isArray(raw)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: expected an array of MUE records`, { path });
  const rows: MueRow[] = raw.map((r, i) => {
    const where = `${path} record ${i + 1}`;
    const code = String(r.code ?? '').trim().toUpperCase();
    if (!CODE.test(code)) throw new MedcoderError('SOURCE_MALFORMED', `${where}: "${r.code}" is not a CPT/HCPCS code`, { path });
    const value = Number(r.mue_value);
    if (!Number.isInteger(value) || value < 0) throw new MedcoderError('SOURCE_MALFORMED', `${where}: MUE value "${r.mue_value}" is not a whole number`, { path });
    const { mai, rest } = splitMai(String(r.description ?? ''), where);
    return { code, value, mai, rationale: rest };
  });
  const source = String(raw[0]?.source_file ?? '');
  return { table: mueTableOfText(source) ?? 'practitioner', rows, ...(raw[0]?.effective_date ? { effective: raw[0].effective_date } : {}) };
}

/** Which MUE table a header or file name speaks of. */
export function mueTableOfText(text: string): MueTableKind | undefined {
  if (/practitioner/i.test(text)) return 'practitioner';
  if (/outpatient|hospital|facility/i.test(text)) return 'hospital';
  if (/dme/i.test(text)) return 'dme';
  return undefined;
}

/** Does a line read like the header of CMS's MUE CSV ("HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication Indicator, …")? */
export function isMueCsvHeader(line: string): boolean {
  return /HCPCS\/CPT Code/i.test(line) && /MUE Values/i.test(line) && /Adjudication Indicator/i.test(line);
}

/** CMS's MUE table as CSV: preamble, header, then code, value, "MAI text", rationale. */
export function parseMueCsv(text: string, path: string): { table: MueTableKind; rows: MueRow[] } {
  const records = parseCsv(text, path);
  const h = records.findIndex((r) => isMueCsvHeader(r.fields.join(',')));
  if (h < 0) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "HCPCS/CPT Code, … MUE Values, MUE Adjudication Indicator" header`, { path });
  const header = records[h]!.fields;
  const table = mueTableOfText(header[1] ?? '') ?? 'practitioner';
  const col = (re: RegExp) => header.findIndex((f) => re.test(f));
  const ci = col(/HCPCS/i);
  const vi = col(/MUE Values/i);
  const mi = col(/Adjudication/i);
  const ri = col(/Rationale/i);
  const rows: MueRow[] = [];
  for (const r of records.slice(h + 1)) {
    const where = `${path} line ${r.line}`;
    const code = (r.fields[ci] ?? '').trim().toUpperCase();
    if (!CODE.test(code)) continue;
    const value = Number((r.fields[vi] ?? '').trim());
    if (!Number.isInteger(value) || value < 0) throw new MedcoderError('SOURCE_MALFORMED', `${where}: MUE value "${r.fields[vi]}" is not a whole number`, { path });
    const { mai } = splitMai(r.fields[mi] ?? '', where);
    rows.push({ code, value, mai, rationale: ri >= 0 ? (r.fields[ri] ?? '').trim() : '' });
  }
  return { table, rows };
}

export function compileMue(parts: Array<{ table: MueTableKind; rows: MueRow[] }>): { data: MueCompiled; counts: Record<string, number> } {
  const rationales = new StringPool();
  const tables: MueCompiled['tables'] = {};
  const counts: Record<string, number> = {};
  for (const kind of MUE_TABLES) {
    const rows = parts.filter((p) => p.table === kind).flatMap((p) => p.rows);
    if (!rows.length) continue;
    const byCode = new Map<string, MueRow>();
    for (const r of rows) byCode.set(r.code, r);
    const sorted = [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
    const cols: MueColumns = { codes: [], values: [], mai: [], why: [] };
    for (const r of sorted) {
      cols.codes.push(r.code);
      cols.values.push(r.value);
      cols.mai.push(r.mai);
      cols.why.push(rationales.id(r.rationale));
    }
    tables[kind] = cols;
    counts[`${kind} codes`] = sorted.length;
  }
  return { data: { tables, rationales: rationales.list }, counts };
}

/** A loaded MUE release. */
export class MueTable {
  private readonly index = new Map<MueTableKind, Map<string, number>>();

  constructor(readonly data: MueCompiled, readonly label: string) {
    for (const kind of MUE_TABLES) {
      const t = data.tables[kind];
      if (!t) continue;
      const m = new Map<string, number>();
      t.codes.forEach((c, i) => m.set(c, i));
      this.index.set(kind, m);
    }
  }

  static fromCompiled(data: unknown, manifest: ReleaseManifest): MueTable {
    return new MueTable(data as MueCompiled, manifest.label);
  }

  has(kind: MueTableKind): boolean {
    return this.index.has(kind);
  }

  get(kind: MueTableKind, code: string): MueRow | undefined {
    const i = this.index.get(kind)?.get(code);
    if (i === undefined) return undefined;
    const t = this.data.tables[kind]!;
    return { code, value: t.values[i]!, mai: t.mai[i] as 1 | 2 | 3, rationale: this.data.rationales[t.why[i]!] ?? '' };
  }
}

export function mueTableFor(setting: ClaimContext['setting']): MueTableKind | undefined {
  return setting === 'professional' ? 'practitioner' : setting === 'outpatient-facility' ? 'hospital' : undefined;
}

const RULE_BY_MAI = { 1: 'mue.line', 2: 'mue.day-policy', 3: 'mue.day-clinical' } as const;

export function checkMue(ctx: ClaimContext, sink: FindingSink, table: MueTable): void {
  const kind = mueTableFor(ctx.setting);
  if (!kind || !table.has(kind)) return;
  const source = table.label;
  // Lines of one code, date and provider count together for the date-of-service edits.
  const groups = new Map<string, { row: MueRow; lines: LineItem[] }>();
  for (const l of ctx.lines) {
    const row = table.get(kind, l.code);
    if (!row) continue;
    if (row.value === 0) {
      sink.emit('mue.not-payable', { codes: [l.code], lines: [l.n], vars: { code: l.code, line: l.n, rationale: row.rationale }, source });
      continue;
    }
    if (row.mai === 1) {
      if (l.units > row.value) {
        sink.emit(RULE_BY_MAI[1], { codes: [l.code], lines: [l.n], vars: { code: l.code, line: l.n, units: l.units, mue: row.value, rationale: row.rationale }, source });
      }
      continue;
    }
    const key = `${l.code}|${l.date}|${l.npi ?? ''}`;
    const g = groups.get(key);
    if (g) g.lines.push(l);
    else groups.set(key, { row, lines: [l] });
  }
  for (const { row, lines } of groups.values()) {
    const units = lines.reduce((s, l) => s + l.units, 0);
    if (units <= row.value) continue;
    const first = lines[0]!;
    sink.emit(RULE_BY_MAI[row.mai as 2 | 3], {
      codes: [first.code],
      lines: lines.map((l) => l.n),
      vars: { code: first.code, date: first.date, units, mue: row.value, lineList: `${lines.length === 1 ? 'line' : 'lines'} ${listCodes(lines.map((l) => String(l.n)))}`, rationale: row.rationale },
      source,
    });
  }
}
