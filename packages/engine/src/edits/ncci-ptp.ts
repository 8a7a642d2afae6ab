/**
 * Layer 4, NCCI procedure-to-procedure edits: when two codes of a pair are
 * reported for the same patient by the same provider on the same date, the
 * column 2 code is not paid. Modifier indicator 0: never, whatever the
 * modifiers; 1: unless a PTP-associated modifier (59, XE, XS, XP, XU,
 * anatomic, global surgery) is on either line and the record supports it;
 * 9: the edit no longer applies.
 *
 * Practitioner edits apply to professional claims, outpatient hospital edits
 * to outpatient facility claims; inpatient claims have none.
 */
import { StringPool } from '../util/string-pool.js';
import { readFileSync } from 'node:fs';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { ClaimContext, LineItem } from './context.js';
import type { FindingSink } from './finding.js';
import type { PtpRow } from './ptp-file.js';

export const PTP_TABLES = ['practitioner', 'hospital'] as const;
export type PtpTableKind = (typeof PTP_TABLES)[number];

/** One PTP table in columns (compact for the hundreds of thousands of rows of the real tables). */
export interface PtpColumns {
  c1: string[];
  c2: string[];
  /** YYYYMMDD */
  from: number[];
  /** YYYYMMDD of the deletion; 0 when active. */
  to: number[];
  /** One modifier indicator character per row. */
  mod: string;
  /** Index into `rationales`. */
  why: number[];
}

export interface PtpCompiled {
  tables: Partial<Record<PtpTableKind, PtpColumns>>;
  rationales: string[];
}

export const PTP_FILE = 'ptp.json';

/** Merge the parts of each table into the compiled form, sorted by column 1 then column 2. */
export function compilePtp(parts: Array<{ table: PtpTableKind; rows: PtpRow[] }>): { data: PtpCompiled; counts: Record<string, number> } {
  const rationales = new StringPool();
  const tables: PtpCompiled['tables'] = {};
  const counts: Record<string, number> = {};
  for (const kind of PTP_TABLES) {
    const rows = parts.filter((p) => p.table === kind).flatMap((p) => p.rows);
    if (!rows.length) continue;
    rows.sort((a, b) => (a.column1 < b.column1 ? -1 : a.column1 > b.column1 ? 1 : a.column2 < b.column2 ? -1 : a.column2 > b.column2 ? 1 : a.effective - b.effective));
    const cols: PtpColumns = { c1: [], c2: [], from: [], to: [], mod: '', why: [] };
    let mod = '';
    for (const r of rows) {
      cols.c1.push(r.column1);
      cols.c2.push(r.column2);
      cols.from.push(r.effective);
      cols.to.push(r.deleted);
      mod += r.modifier;
      cols.why.push(rationales.id(r.rationale));
    }
    cols.mod = mod;
    tables[kind] = cols;
    counts[`${kind} edits`] = rows.length;
    counts[`${kind} active`] = rows.filter((r) => r.deleted === 0).length;
  }
  return { data: { tables, rationales: rationales.list }, counts };
}

export interface PtpEdit {
  column1: string;
  column2: string;
  modifier: '0' | '1' | '9';
  rationale: string;
  effective: number;
  deleted: number;
}

const ymd = (iso: string) => Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));

/** A loaded PTP release. */
export class PtpTable {
  private readonly index = new Map<PtpTableKind, Map<string, number[]>>();

  constructor(readonly data: PtpCompiled, readonly label: string) {
    for (const kind of PTP_TABLES) {
      const t = data.tables[kind];
      if (!t) continue;
      const byC1 = new Map<string, number[]>();
      for (let i = 0; i < t.c1.length; i++) {
        const k = t.c1[i]!;
        const list = byC1.get(k);
        if (list) list.push(i);
        else byC1.set(k, [i]);
      }
      this.index.set(kind, byC1);
    }
  }

  static fromCompiled(data: unknown, manifest: ReleaseManifest): PtpTable {
    return new PtpTable(data as PtpCompiled, manifest.label);
  }

  has(kind: PtpTableKind): boolean {
    return this.index.has(kind);
  }

  /** Is the code column 1 of any edit? Lets the check skip codes with no edits. */
  hasColumn1(kind: PtpTableKind, code: string): boolean {
    return this.index.get(kind)?.has(code) ?? false;
  }

  /**
   * The edit of a pair in force on a date. An edit applies from its effective
   * date until the day before its deletion date (a deletion date equal to the
   * effective date means it never applied).
   */
  edit(kind: PtpTableKind, column1: string, column2: string, date: string): PtpEdit | undefined {
    const rows = this.index.get(kind)?.get(column1);
    if (!rows) return undefined;
    const t = this.data.tables[kind]!;
    const d = ymd(date);
    for (const i of rows) {
      if (t.c2[i] !== column2) continue;
      if (t.from[i]! > d) continue;
      const to = t.to[i]!;
      if (to !== 0 && d >= to) continue;
      return { column1, column2, modifier: t.mod[i] as PtpEdit['modifier'], rationale: this.data.rationales[t.why[i]!] ?? '', effective: t.from[i]!, deleted: to };
    }
    return undefined;
  }
}

const MODIFIERS_URL = new URL('../../data/edits/ncci-modifiers.json', import.meta.url);

export type BypassGroup = 'distinct' | 'anatomic' | 'global' | 'other';
let bypass: ReadonlyMap<string, { group: BypassGroup; meaning: string }> | undefined;

/** The PTP-associated modifiers by group (data/edits/ncci-modifiers.json). */
export function bypassModifiers(): ReadonlyMap<string, { group: BypassGroup; meaning: string }> {
  if (!bypass) {
    const raw = JSON.parse(readFileSync(MODIFIERS_URL, 'utf8')) as { bypass: Record<BypassGroup, Record<string, string>> };
    const m = new Map<string, { group: BypassGroup; meaning: string }>();
    for (const [group, list] of Object.entries(raw.bypass) as Array<[BypassGroup, Record<string, string>]>) {
      for (const [code, meaning] of Object.entries(list)) m.set(code, { group, meaning });
    }
    bypass = m;
  }
  return bypass;
}

/** Which PTP table applies to a claim setting; inpatient claims have none. */
export function ptpTableFor(setting: ClaimContext['setting']): PtpTableKind | undefined {
  return setting === 'professional' ? 'practitioner' : setting === 'outpatient-facility' ? 'hospital' : undefined;
}

const fmt = (n: number) => `${String(n).slice(0, 4)}-${String(n).slice(4, 6)}-${String(n).slice(6, 8)}`;

export function checkPtp(ctx: ClaimContext, sink: FindingSink, table: PtpTable): void {
  const kind = ptpTableFor(ctx.setting);
  if (!kind || !table.has(kind)) return;
  const lines = ctx.lines;
  const mods = bypassModifiers();
  for (let a = 0; a < lines.length; a++) {
    const la = lines[a]!;
    if (!table.hasColumn1(kind, la.code)) continue;
    for (let b = 0; b < lines.length; b++) {
      const lb = lines[b]!;
      if (b === a || lb.code === la.code || lb.date !== la.date) continue;
      // Edits apply to one provider's services; lines of different rendering providers are not paired.
      if (la.npi && lb.npi && la.npi !== lb.npi) continue;
      const e = table.edit(kind, la.code, lb.code, la.date);
      if (!e || e.modifier === '9') continue;
      const vars = {
        column1: la.code,
        column2: lb.code,
        line1: la.n,
        line2: lb.n,
        date: la.date,
        rationale: e.rationale || 'no rationale given',
        since: fmt(e.effective),
      };
      if (e.modifier === '0') {
        sink.emit('ncci-ptp.not-allowed', { codes: [la.code, lb.code], lines: [la.n, lb.n], vars, source: table.label });
        continue;
      }
      if (bypassedBy(la, lb, mods)) continue;
      sink.emit('ncci-ptp.modifier-needed', { codes: [la.code, lb.code], lines: [la.n, lb.n], vars, source: table.label });
    }
  }
}

/**
 * A PTP-associated modifier on either line of the pair. An anatomic modifier
 * counts only when the other line does not carry the same one (same site).
 */
export function bypassedBy(a: LineItem, b: LineItem, mods: ReturnType<typeof bypassModifiers>): string | undefined {
  for (const [x, y] of [
    [b, a],
    [a, b],
  ] as const) {
    for (const m of x.modifiers) {
      const info = mods.get(m);
      if (!info) continue;
      if (info.group === 'anatomic' && y.modifiers.includes(m)) continue;
      return m;
    }
  }
  return undefined;
}
