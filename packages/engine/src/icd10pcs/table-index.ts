import { MedcoderError } from '../errors.js';
import { PCS_CHAR, PCS_LENGTH } from './code.js';
import type { PcsCompiledRow, PcsCompiledTable, PcsCompiledTerm } from './compiled.js';

/** A row ready for matching: one Set of allowed characters per axis 4-7. */
export interface PcsIndexedRow {
  /** 1-based position of the row in its table, as people count rows in the printed tables. */
  n: number;
  sets: [Set<string>, Set<string>, Set<string>, Set<string>];
  row: PcsCompiledRow;
}

export interface PcsIndexedTable {
  table: PcsCompiledTable;
  rows: PcsIndexedRow[];
}

/** One allowed value of an axis, with what the release says about it. */
export interface PcsValueInfo {
  value: string;
  label: string;
  /** Other labels the same character has in other rows reachable from the same prefix (new-technology tables reuse characters). */
  otherLabels?: string[];
  definition?: string;
  explanation?: string;
  includes?: string[];
  /** 1-based rows of the table that allow the value here (axes 4-7 only). */
  rows?: number[];
}

/** The choices for the next character of a code being built. */
export interface PcsNextValues {
  prefix: string;
  /** Position (1-7) of the character being chosen. */
  pos: number;
  /** The axis title at that position, e.g. `Approach`. */
  title: string;
  /** True when choosing a value completes a code (position 7). */
  completes: boolean;
  values: PcsValueInfo[];
}

/** Result of checking a seven-character code against the tables. */
export type PcsMatch =
  | { kind: 'row'; table: PcsIndexedTable; row: PcsIndexedRow }
  /** No table has the first three characters; `pos` is the first of them that is not a value. */
  | { kind: 'no-table'; pos: 1 | 2 | 3; title: string; value: string; allowed: PcsValueInfo[] }
  /**
   * The table exists, but no row allows axes 4..pos together. `rows` are the
   * rows matching the most leading axes (pos-4 of them); `allowed` is what
   * they allow at `pos`; `elsewhere` the rows that allow the value at `pos`
   * with other earlier values.
   */
  | { kind: 'axis'; table: PcsIndexedTable; pos: number; title: string; value: string; rows: PcsIndexedRow[]; allowed: PcsValueInfo[]; elsewhere: number[] };

const byChar = (a: { value: string }, b: { value: string }) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/**
 * The code tables of one release, indexed for checking and navigating codes:
 * tables in a Map by their first three characters, each row with a Set of
 * allowed characters per axis. Nothing is built per code.
 */
export class PcsTableIndex {
  private readonly tables = new Map<string, PcsIndexedTable>();
  /** Axis 1-3 values by prefix ('' → sections, '0' → body systems of section 0, '0D' → operations). */
  private readonly heads = new Map<string, Map<string, PcsCompiledTable>>();
  /** Tables grouped for nearest-code search: by section ('0'), section and body system ('0D'), section and operation ('0*T'). */
  private readonly groups = new Map<string, PcsIndexedTable[]>();

  constructor(tables: readonly PcsCompiledTable[], private readonly terms: readonly PcsCompiledTerm[]) {
    for (const t of tables) {
      const rows = t.r.map((row, i) => ({ n: i + 1, row, sets: row.v.map((s) => new Set(s)) as PcsIndexedRow['sets'] }));
      const indexed: PcsIndexedTable = { table: t, rows };
      this.tables.set(t.k, indexed);
      for (const g of [t.k[0]!, t.k.slice(0, 2), `${t.k[0]}*${t.k[2]}`]) {
        const list = this.groups.get(g);
        if (list) list.push(indexed);
        else this.groups.set(g, [indexed]);
      }
      for (let len = 0; len < 3; len++) {
        const prefix = t.k.slice(0, len);
        let m = this.heads.get(prefix);
        if (!m) this.heads.set(prefix, (m = new Map()));
        if (!m.has(t.k[len]!)) m.set(t.k[len]!, t);
      }
    }
  }

  table(key: string): PcsIndexedTable | undefined {
    return this.tables.get(key);
  }

  tableKeys(): IterableIterator<string> {
    return this.tables.keys();
  }

  get tableCount(): number {
    return this.tables.size;
  }

  /** The term of a row value (axis position 4-7), if the definitions file has one. */
  termOf(row: PcsCompiledRow, pos: number, value: string): PcsCompiledTerm | undefined {
    const i = row.v[pos - 4]!.indexOf(value);
    const t = i >= 0 ? row.t?.[pos - 4]?.[i] : undefined;
    return t !== undefined && t >= 0 ? this.terms[t] : undefined;
  }

  labelOf(row: PcsCompiledRow, pos: number, value: string): string | undefined {
    const i = row.v[pos - 4]!.indexOf(value);
    return i >= 0 ? row.l[pos - 4]![i] : undefined;
  }

  /** Title of axis `pos` (1-7) for a table and row. */
  axisTitle(table: PcsCompiledTable, pos: number, row?: PcsCompiledRow): string {
    if (pos >= 4 && row?.x) return row.x[pos - 4]!;
    return table.x[pos - 1]!;
  }

  operationTerm(table: PcsCompiledTable): PcsCompiledTerm | undefined {
    return table.t !== undefined ? this.terms[table.t] : undefined;
  }

  /** Check a normalised seven-character code (PCS characters only) against the tables. */
  match(code: string): PcsMatch {
    const t = this.tables.get(code.slice(0, 3));
    if (!t) return this.noTable(code);
    let best = -1;
    let bestRows: PcsIndexedRow[] = [];
    for (const r of t.rows) {
      let k = 0;
      while (k < 4 && r.sets[k]!.has(code[3 + k]!)) k++;
      if (k === 4) return { kind: 'row', table: t, row: r };
      if (k > best) {
        best = k;
        bestRows = [r];
      } else if (k === best) bestRows.push(r);
    }
    const pos = 4 + best;
    const value = code[pos - 1]!;
    const elsewhere = t.rows.filter((r) => r.sets[best]!.has(value)).map((r) => r.n);
    return {
      kind: 'axis',
      table: t,
      pos,
      title: this.axisTitle(t.table, pos, bestRows[0]?.row),
      value,
      rows: bestRows,
      allowed: this.rowValues(bestRows, pos),
      elsewhere,
    };
  }

  private noTable(code: string): PcsMatch & { kind: 'no-table' } {
    for (let len = 0; len < 3; len++) {
      const m = this.heads.get(code.slice(0, len));
      const value = code[len]!;
      if (!m || !m.has(value)) {
        const sample = m ? m.values().next().value : undefined;
        const title = sample ? sample.x[len]! : (['Section', 'Body System', 'Operation'][len] ?? '');
        return { kind: 'no-table', pos: (len + 1) as 1 | 2 | 3, title, value, allowed: m ? this.headValues(m, len) : [] };
      }
    }
    // Unreachable: three matching head characters mean a table exists.
    throw new MedcoderError('INVALID_ARGUMENT', `no table ${code.slice(0, 3)} although its characters are known`);
  }

  private headValues(m: Map<string, PcsCompiledTable>, len: number): PcsValueInfo[] {
    const out: PcsValueInfo[] = [];
    for (const [value, t] of m) {
      const info: PcsValueInfo = { value, label: t.l[len]! };
      if (len === 2) {
        if (t.d) info.definition = t.d;
        const term = this.operationTerm(t);
        if (term?.e) info.explanation = term.e;
        if (term?.i) info.includes = term.i;
        if (!info.definition && term?.d) info.definition = term.d;
      }
      out.push(info);
    }
    return out.sort(byChar);
  }

  /** Union of the values rows allow at axis `pos` (4-7), with labels, definitions and the rows allowing each. */
  private rowValues(rows: readonly PcsIndexedRow[], pos: number): PcsValueInfo[] {
    const found = new Map<string, PcsValueInfo>();
    for (const r of rows) {
      const chars = r.row.v[pos - 4]!;
      const labels = r.row.l[pos - 4]!;
      for (let i = 0; i < chars.length; i++) {
        const value = chars[i]!;
        const label = labels[i]!;
        let info = found.get(value);
        if (!info) {
          info = { value, label, rows: [] };
          const term = this.termOf(r.row, pos, value);
          if (term?.d) info.definition = term.d;
          if (term?.e) info.explanation = term.e;
          if (term?.i) info.includes = term.i;
          found.set(value, info);
        } else if (label !== info.label && !info.otherLabels?.includes(label)) {
          (info.otherLabels ??= []).push(label);
        }
        info.rows!.push(r.n);
      }
    }
    return [...found.values()].sort(byChar);
  }

  /**
   * The values allowed for the next character after a prefix of 0-6
   * characters, or undefined when no code starts with the prefix.
   */
  nextValues(prefix: string): PcsNextValues | undefined {
    if (prefix.length >= PCS_LENGTH) {
      throw new MedcoderError('INVALID_ARGUMENT', `a prefix has at most 6 characters; "${prefix}" has ${prefix.length}`, { field: 'prefix', value: prefix });
    }
    for (const ch of prefix) if (!PCS_CHAR.test(ch)) return undefined;
    const pos = prefix.length + 1;
    if (prefix.length < 3) {
      const m = this.heads.get(prefix);
      if (!m) return undefined;
      const sample = m.values().next().value!;
      return { prefix, pos, title: sample.x[prefix.length]!, completes: false, values: this.headValues(m, prefix.length) };
    }
    const t = this.tables.get(prefix.slice(0, 3));
    if (!t) return undefined;
    const rows = t.rows.filter((r) => {
      for (let i = 3; i < prefix.length; i++) if (!r.sets[i - 3]!.has(prefix[i]!)) return false;
      return true;
    });
    if (rows.length === 0) return undefined;
    return { prefix, pos, title: this.axisTitle(t.table, pos, rows[0]!.row), completes: pos === PCS_LENGTH, values: this.rowValues(rows, pos) };
  }

  /** Every code a table row makes, in code order. */
  *rowCodes(table: PcsCompiledTable, row: PcsCompiledRow): Generator<string> {
    const [a, b, c, d] = row.v.map((s) => [...s].sort());
    for (const x of a!) for (const y of b!) for (const z of c!) for (const w of d!) yield table.k + x + y + z + w;
  }

  /** Every code the tables make (unsorted across rows). */
  *allCodes(): Generator<string> {
    for (const t of this.tables.values()) for (const r of t.rows) yield* this.rowCodes(t.table, r.row);
  }

  /**
   * Codes the tables make that are nearest to a seven-character input: from
   * the input's table or, when it has none, the tables of the same section
   * and body system (wrong operation), else of the same section and
   * operation (wrong body system), else of the section. Codes differing in
   * the fewest characters come first, then those keeping more leading
   * characters. Each row contributes its closest codes: the input's values
   * where the row allows them, the first differing axis varied over the
   * row's values.
   */
  nearest(code: string, limit = 5): string[] {
    const own = this.tables.get(code.slice(0, 3));
    const tables = own
      ? [own]
      : (this.groups.get(code.slice(0, 2)) ?? this.groups.get(`${code[0]}*${code[2]}`) ?? this.groups.get(code[0]!) ?? []);
    // Every candidate a row gives differs from the input in the same number of
    // characters (the head characters that differ plus the axes the row does
    // not allow), so rows are ranked first and only the best are expanded.
    const ranked: Array<{ t: PcsIndexedTable; r: PcsIndexedRow; diff: number; misses: number }> = [];
    for (const t of tables) {
      let headDiff = 0;
      for (let i = 0; i < 3; i++) if (t.table.k[i] !== code[i]) headDiff++;
      for (const r of t.rows) {
        let misses = 0;
        let diff = headDiff;
        for (let i = 0; i < 4; i++) {
          if (!r.sets[i]!.has(code[3 + i]!)) {
            misses |= 1 << i;
            diff++;
          }
        }
        ranked.push({ t, r, diff, misses });
      }
    }
    ranked.sort((a, b) => a.diff - b.diff);
    const scored: Array<{ code: string; diff: number; lead: number }> = [];
    const add = (candidate: string, diff: number) => {
      let lead = 0;
      while (lead < PCS_LENGTH && candidate[lead] === code[lead]) lead++;
      scored.push({ code: candidate, diff, lead });
    };
    for (const { t, r, diff, misses } of ranked) {
      // Enough candidates at a smaller distance: the remaining rows can only be farther.
      if (scored.length > limit && diff > scored[limit]!.diff) break;
      const base = [...code.slice(3, 7)];
      let first = -1;
      for (let i = 0; i < 4; i++) {
        if (!(misses & (1 << i))) continue;
        if (first < 0) first = i;
        // "No device" / "no qualifier" (Z) is the least assuming choice where allowed.
        const chars = r.row.v[i]!;
        base[i] = chars.includes('Z') ? 'Z' : chars[0]!;
      }
      if (first < 0) {
        add(t.table.k + base.join(''), diff);
        continue;
      }
      // Vary the first differing axis over the row's values; the others keep their fill.
      for (const ch of r.row.v[first]!) {
        base[first] = ch;
        add(t.table.k + base.join(''), diff);
      }
    }
    scored.sort((a, b) => a.diff - b.diff || b.lead - a.lead || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const out: string[] = [];
    for (const s of scored) {
      if (s.code === code || out.includes(s.code)) continue;
      out.push(s.code);
      if (out.length >= limit) break;
    }
    return out;
  }
}
