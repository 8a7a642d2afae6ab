import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeDetail, CodeRef, ReleaseRef, Validation, ValidationReason } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSetRelease, SystemLoader } from '../releases/release.js';
import { MedcoderError } from '../errors.js';
import { prefixRange } from '../util/sorted.js';
import { fixLookalikes, normalizePcs, PCS_CHAR, PCS_LENGTH, pcsShapeProblems } from './code.js';
import { PCS_DATA_FILE, type PcsCompiled, type PcsCompiledRow, type PcsCompiledTable, type PcsCompiledTerm } from './compiled.js';
import type { PcsDeviceAggregate } from './definitions.js';
import { PcsTableIndex, type PcsIndexedRow, type PcsMatch, type PcsNextValues, type PcsValueInfo } from './table-index.js';

/** One axis of a code as answers show it. */
export type PcsAxisDetail = NonNullable<CodeDetail['axes']>[number];

/** How many codes a table header answer lists as billable children. */
const CHILD_LIMIT = 50;
/** How many allowed values a message names before "and N more" (the reason carries all of them). */
const MESSAGE_VALUES = 12;

const describeValues = (values: PcsValueInfo[]) =>
  `${values
    .slice(0, MESSAGE_VALUES)
    .map((v) => `${v.value} ${v.label}`)
    .join(', ')}${values.length > MESSAGE_VALUES ? `, and ${values.length - MESSAGE_VALUES} more` : ''}`;

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "rows 2, 3 and 5" */
function rowList(rows: number[]): string {
  if (rows.length === 1) return `row ${rows[0]}`;
  return `rows ${rows.slice(0, -1).join(', ')} and ${rows[rows.length - 1]}`;
}

export class Icd10pcsRelease implements CodeSetRelease {
  readonly system = 'icd10pcs' as const;
  /** The code tables, for checking and navigating codes. */
  readonly index: PcsTableIndex;
  private readonly codes: string[];

  constructor(readonly manifest: ReleaseManifest, readonly ref: ReleaseRef, private readonly data: PcsCompiled) {
    this.index = new PcsTableIndex(data.tables, data.terms);
    this.codes = data.codes;
  }

  normalize(input: string): string {
    return normalizePcs(input);
  }

  billableCodes(): Iterable<string> {
    return this.codes;
  }

  billableCount(): number {
    return this.codes.length;
  }

  /** Version of the code tables the release was compiled from. */
  get tablesVersion(): number {
    return this.data.version;
  }

  /** Device aggregation: specific device names and the general device value they are coded as. */
  deviceAggregates(): readonly PcsDeviceAggregate[] {
    return this.data.aggregates;
  }

  /** Position of a code in the sorted valid codes, or -1. */
  private position(code: string): number {
    const arr = this.codes;
    let lo = 0;
    let hi = arr.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = arr[mid]!;
      if (c === code) return mid;
      if (c < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** True when a normalised code is a valid (reportable) code of the release. */
  isValid(code: string): boolean {
    return this.position(code) >= 0;
  }

  /** Valid codes starting with a prefix, in code order. */
  codesWithPrefix(prefix: string, limit = Infinity): string[] {
    return prefixRange(this.codes, prefix, limit);
  }

  /**
   * Check a code against the code tables alone (not the list of valid
   * codes); undefined when the input is not seven PCS characters.
   */
  matchTables(input: string): PcsMatch | undefined {
    const code = normalizePcs(input);
    if (code.length !== PCS_LENGTH) return undefined;
    for (const ch of code) if (!PCS_CHAR.test(ch)) return undefined;
    return this.index.match(code);
  }

  /**
   * The values allowed for the next character after a prefix of 0-6
   * characters (with labels and definitions), or undefined when no code of
   * the release starts with the prefix. For an encoder that builds a code
   * axis by axis.
   */
  nextValues(prefix: string): PcsNextValues | undefined {
    return this.index.nextValues(normalizePcs(prefix));
  }

  /** "Medical and Surgical, Gastrointestinal System, Resection" */
  tableTitle(table: PcsCompiledTable): string {
    return table.l.join(', ');
  }

  /**
   * Axes 1-7 of a code made by a row, with labels and definitions; the
   * definitions file's explanations and included terms by axis position.
   */
  axesOf(code: string, table: PcsCompiledTable, row: PcsCompiledRow): { axes: PcsAxisDetail[]; explanations?: Record<string, string>; includes?: Record<string, string[]> } {
    const out: { axes: PcsAxisDetail[]; explanations?: Record<string, string>; includes?: Record<string, string[]> } = { axes: [] };
    const note = (pos: number, term: PcsCompiledTerm | undefined) => {
      if (term?.e) (out.explanations ??= {})[String(pos)] = term.e;
      if (term?.i) (out.includes ??= {})[String(pos)] = term.i;
    };
    out.axes.push({ pos: 1, title: table.x[0], value: code[0]!, label: table.l[0] }, { pos: 2, title: table.x[1], value: code[1]!, label: table.l[1] });
    const opTerm = this.index.operationTerm(table);
    const opDefinition = table.d ?? opTerm?.d;
    out.axes.push(opDefinition ? { pos: 3, title: table.x[2], value: code[2]!, label: table.l[2], definition: opDefinition } : { pos: 3, title: table.x[2], value: code[2]!, label: table.l[2] });
    note(3, opTerm);
    for (let pos = 4; pos <= 7; pos++) {
      const value = code[pos - 1]!;
      const title = this.index.axisTitle(table, pos, row);
      const label = this.index.labelOf(row, pos, value) ?? '';
      const term = this.index.termOf(row, pos, value);
      out.axes.push(term?.d ? { pos, title, value, label, definition: term.d } : { pos, title, value, label });
      note(pos, term);
    }
    return out;
  }

  /**
   * A title from the axis labels, for codes the order file does not name:
   * "<operation> of <body part> with <device>, <approach> Approach,
   * <qualifier>", leaving out values that say nothing ("No Device", "No
   * Qualifier", "None").
   */
  buildTitle(axes: PcsAxisDetail[]): string {
    const say = (a: PcsAxisDetail | undefined) => (a && !/^(No |None$)/i.test(a.label) ? a.label : undefined);
    const [, , op, part, fifth, sixth, seventh] = axes;
    const target = say(part);
    let title = op?.label ?? '';
    if (target) title += /body/i.test(part?.title ?? '') ? ` of ${target}` : `, ${target}`;
    const device = say(sixth);
    if (device) title += ` with ${device}`;
    const approach = say(fifth);
    if (approach) title += fifth?.title === 'Approach' ? `, ${approach} Approach` : `, ${approach}`;
    const qualifier = say(seventh);
    if (qualifier) title += `, ${qualifier}`;
    return title;
  }

  /** The title lookup gives a code, without making the rest of its detail (most codes have a title of their own). */
  title(input: string): string | undefined {
    const code = normalizePcs(input);
    const at = code.length === PCS_LENGTH ? this.position(code) : -1;
    return (at >= 0 && this.data.titles[at]) || this.lookup(code)?.title;
  }

  lookup(input: string): CodeDetail | undefined {
    const code = normalizePcs(input);
    if (code.length === 3) return this.lookupTable(code);
    if (code.length !== PCS_LENGTH) return undefined;
    const at = this.position(code);
    if (at < 0) return undefined;
    const detail: CodeDetail = { system: 'icd10pcs', code, title: this.data.titles[at] ?? '', billable: true, kind: 'code', release: this.ref };
    const short = this.data.short[at];
    if (short) detail.shortTitle = short;
    const m = this.index.match(code);
    if (m.kind !== 'row') return detail; // a listed code the tables do not make (the compile notes report it)
    const table = m.table.table;
    detail.section = { id: table.k[0]!, title: table.l[0] };
    detail.ancestors = [{ code: table.k, title: this.tableTitle(table), billable: false }];
    const { axes, explanations, includes } = this.axesOf(code, table, m.row.row);
    detail.axes = axes;
    const attributes: Record<string, unknown> = { table: table.k, row: m.row.n };
    if (!detail.title) {
      detail.title = this.buildTitle(axes);
      attributes.titleBuiltFromAxes = true;
    }
    if (explanations) attributes.explanations = explanations;
    if (includes) attributes.includes = includes;
    detail.attributes = attributes;
    return detail;
  }

  /** A table (first three characters) as a header: its axes 1-3 and the body-part values below it. */
  private lookupTable(key: string): CodeDetail | undefined {
    const t = this.index.table(key);
    if (!t) return undefined;
    const table = t.table;
    const axes: PcsAxisDetail[] = [];
    for (let pos = 1; pos <= 3; pos++) {
      const a: PcsAxisDetail = { pos, title: table.x[pos - 1]!, value: key[pos - 1]!, label: table.l[pos - 1]! };
      if (pos === 3) {
        const definition = table.d ?? this.index.operationTerm(table)?.d;
        if (definition) a.definition = definition;
      }
      axes.push(a);
    }
    const next = this.index.nextValues(key);
    const children: CodeRef[] = (next?.values ?? []).map((v) => ({
      code: key + v.value,
      title: v.otherLabels ? [v.label, ...v.otherLabels].join(' / ') : v.label,
      billable: false,
    }));
    const detail: CodeDetail = {
      system: 'icd10pcs',
      code: key,
      title: this.tableTitle(table),
      billable: false,
      kind: 'table',
      release: this.ref,
      section: { id: key[0]!, title: table.l[0] },
      axes,
      children,
      attributes: {
        rows: table.r.length,
        codes: this.codesWithPrefix(key).length,
        childAxis: next?.title ?? table.x[3],
        ...(table.h ? { orderTitle: table.h } : {}),
      },
    };
    const term = this.index.operationTerm(table);
    if (term?.e) (detail.attributes as Record<string, unknown>).explanation = term.e;
    if (term?.i) (detail.attributes as Record<string, unknown>).includes = term.i;
    return detail;
  }

  private codeRef(code: string): CodeRef {
    const at = this.position(code);
    let title = at >= 0 ? (this.data.titles[at] ?? '') : '';
    if (!title) {
      const m = this.index.match(code);
      if (m.kind === 'row') title = this.buildTitle(this.axesOf(code, m.table.table, m.row.row).axes);
    }
    return { code, title, billable: at >= 0 };
  }

  /** The nearest valid codes to a seven-character input (same table first, fewest differing axes). */
  suggest(code: string, limit = 5): CodeRef[] {
    return this.index
      .nearest(code, limit * 2)
      .filter((c) => this.isValid(c))
      .slice(0, limit)
      .map((c) => this.codeRef(c));
  }

  validate(input: string): Validation {
    const raw = typeof input === 'string' ? input : String(input ?? '');
    const code = normalizePcs(raw);
    // Results are written as literals: object spread costs microseconds on this path.
    const shape = pcsShapeProblems(raw, code);
    if (shape.length) return this.shapeResult(raw, code, shape);
    const at = this.position(code);
    if (at >= 0) {
      const title = this.data.titles[at] || this.codeRef(code).title;
      return { input: raw, system: 'icd10pcs', code, release: this.ref, exists: true, valid: true, title, reasons: [] };
    }
    const m = this.index.match(code);
    const reasons: ValidationReason[] = [];
    if (m.kind === 'row') {
      reasons.push({
        code: 'UNKNOWN_CODE',
        message: `${code} is made by row ${m.row.n} of table ${m.table.table.k}, but it is not a valid code in ${this.ref.label}`,
        table: m.table.table.k,
        row: m.row.n,
      });
    } else if (m.kind === 'no-table') {
      reasons.push(this.noTableReason(code, m));
    } else {
      reasons.push(this.axisReason(code, m));
    }
    const result: Validation = { input: raw, system: 'icd10pcs', code, release: this.ref, exists: false, valid: false, reasons };
    const suggestions = this.suggest(code);
    if (suggestions.length) result.suggestions = suggestions;
    return result;
  }

  private shapeResult(raw: string, code: string, shape: ReturnType<typeof pcsShapeProblems>): Validation {
    const reasons: ValidationReason[] = shape.map((p) => ({ ...p }));
    const result: Validation = { input: raw, system: 'icd10pcs', code, release: this.ref, exists: false, valid: false, reasons };
    const suggestions: CodeRef[] = [];
    if (shape[0]!.code === 'INVALID_CHARACTER') {
      // I and O are almost always 1 and 0 typed as letters.
      const fixed = fixLookalikes(code);
      if (fixed.length === PCS_LENGTH && this.isValid(fixed)) suggestions.push(this.codeRef(fixed));
      else if (fixed.length === 3 && this.index.table(fixed)) suggestions.push({ code: fixed, title: this.tableTitle(this.index.table(fixed)!.table), billable: false });
    } else if (shape[0]!.code === 'INVALID_FORMAT') {
      if (code.length < PCS_LENGTH) {
        const table = code.length === 3 ? this.index.table(code) : undefined;
        if (table) {
          result.exists = true;
          result.title = this.tableTitle(table.table);
          reasons.push({
            code: 'NOT_BILLABLE',
            message: `${code} is the table ${result.title}, a header and not a code; a code adds four characters from one of its ${table.rows.length} ${plural(table.rows.length, 'row', 'rows')}`,
            table: code,
          });
          result.billableChildren = this.codesWithPrefix(code, CHILD_LIMIT).map((c) => this.codeRef(c));
        } else {
          suggestions.push(...this.codesWithPrefix(code, 5).map((c) => this.codeRef(c)));
        }
      } else {
        const first = code.slice(0, PCS_LENGTH);
        if (this.isValid(first)) suggestions.push(this.codeRef(first));
        else if ([...first].every((ch) => PCS_CHAR.test(ch))) suggestions.push(...this.suggest(first));
      }
    }
    if (suggestions.length) result.suggestions = suggestions;
    return result;
  }

  private noTableReason(code: string, m: PcsMatch & { kind: 'no-table' }): ValidationReason {
    const prefix = code.slice(0, m.pos - 1);
    const where =
      m.pos === 1
        ? 'ICD-10-PCS has no such section'
        : `${m.pos === 2 ? 'section' : 'body system'} ${prefix} (${this.headLabels(prefix)}) has no such ${m.title.toLowerCase()}`;
    return {
      code: 'UNKNOWN_CODE',
      message: `character ${m.pos} (${m.title}) is ${m.value}, which is not a value here: ${where}; no table ${code.slice(0, 3)} exists. Allowed: ${describeValues(m.allowed)}`,
      position: m.pos,
      axis: m.title,
      value: m.value,
      allowed: m.allowed.map((v) => ({ value: v.value, label: v.label })),
    };
  }

  /** Labels of the first one or two characters, e.g. "Medical and Surgical, Gastrointestinal System". */
  private headLabels(prefix: string): string {
    const labels: string[] = [];
    for (let len = 1; len <= prefix.length; len++) {
      const v = this.index.nextValues(prefix.slice(0, len - 1))?.values.find((x) => x.value === prefix[len - 1]);
      if (v) labels.push(v.label);
    }
    return labels.join(', ');
  }

  private axisReason(code: string, m: PcsMatch & { kind: 'axis' }): ValidationReason {
    const table = m.table.table;
    const key = table.k;
    const first = m.rows[0]!;
    const context: string[] = [];
    for (let pos = 4; pos < m.pos; pos++) {
      const v = code[pos - 1]!;
      context.push(`${this.index.axisTitle(table, pos, first.row)} ${v} (${this.index.labelOf(first.row, pos, v) ?? ''})`);
    }
    const byRow = m.rows.map((r) => `${rowList([r.n])} allows ${describeValues(this.rowAxisValues(r, m.pos))}`);
    let message = `character ${m.pos} (${m.title}) is ${m.value}, which table ${key} (${this.tableTitle(table)}) does not allow`;
    if (context.length) message += ` with ${context.length > 1 ? `${context.slice(0, -1).join(', ')} and ${context[context.length - 1]}` : context[0]}`;
    message += `: ${m.pos === 4 ? `its ${plural(m.rows.length, 'row allows', 'rows allow')} ${describeValues(m.allowed)}` : byRow.join('; ')}`;
    if (m.elsewhere.length) {
      const other = m.table.rows[m.elsewhere[0]! - 1]!;
      const label = this.index.labelOf(other.row, m.pos, m.value) ?? '';
      message += `. ${m.value} (${label}) is a ${m.title} value only in ${rowList(m.elsewhere)} of the table, with other ${context.length ? 'earlier values' : 'values'}`;
    } else {
      message += `. ${m.value} is not a ${m.title} value anywhere in table ${key}`;
    }
    return {
      code: 'AXIS_VALUE_NOT_ALLOWED',
      message,
      position: m.pos,
      axis: m.title,
      value: m.value,
      table: key,
      rows: m.rows.map((r) => r.n),
      allowed: m.allowed.map((v) => ({ value: v.value, label: v.label, rows: v.rows ?? [] })),
      ...(m.elsewhere.length ? { allowedInRows: m.elsewhere } : {}),
    };
  }

  private rowAxisValues(r: PcsIndexedRow, pos: number): PcsValueInfo[] {
    const chars = r.row.v[pos - 4]!;
    const labels = r.row.l[pos - 4]!;
    return [...chars].map((value, i) => ({ value, label: labels[i]! })).sort((a, b) => (a.value < b.value ? -1 : 1));
  }
}

export function isIcd10pcsRelease(r: CodeSetRelease): r is Icd10pcsRelease {
  return r instanceof Icd10pcsRelease;
}

export const icd10pcsLoader: SystemLoader = {
  system: 'icd10pcs',
  async load(dir: string, manifest: ReleaseManifest, ref: ReleaseRef) {
    const file = join(dir, PCS_DATA_FILE);
    let data: PcsCompiled;
    try {
      data = JSON.parse(await readFile(file, 'utf8')) as PcsCompiled;
    } catch (e) {
      throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${file}: ${(e as Error).message}; run "medcoder codesets import --force"`, { path: file }, { cause: e });
    }
    if (!Array.isArray(data.tables) || !Array.isArray(data.codes) || data.titles?.length !== data.codes.length || data.short?.length !== data.codes.length) {
      throw new MedcoderError('RELEASE_CORRUPT', `${file} is not a compiled ICD-10-PCS release; run "medcoder codesets import --force"`, { path: file });
    }
    return new Icd10pcsRelease(manifest, ref, data);
  },
};
