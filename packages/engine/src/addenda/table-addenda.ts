import { wordLines, type PdfLine, type PdfWord } from './pdf-text.js';
import type { LineRef } from './lines.js';
import { parseIndexEntry, levelOf, type PrintedIndexEntry } from './index-addenda.js';
import type { ChangeAction, ParseProblem } from './tabular-addenda.js';

/**
 * Parser of the Table of Drugs and Chemicals and Table of Neoplasms addenda.
 * Each page repeats the column headings; a row prints its title at the left
 * (leading hyphens for its level, "Add:", "Delete:", "Revise from:" or
 * "Revise to:" before it when the row changes) and one cell per column, each
 * with its own marker when the cell changes. A revised cell stacks
 * "Revise from:", the old code, "Revise to:", the new code in its column;
 * long titles wrap, sometimes inside a word ("Benzylhydrochlorthia-" /
 * "zide"). Cells are assigned to the heading they sit under on their page.
 */

export type CellValue = string | null;

/** What happens to one cell. */
export interface CellChange {
  /** Value column, 0 for the first column after the titles. */
  column: number;
  action: 'add' | 'delete' | 'revise' | 'context';
  old?: CellValue;
  new?: CellValue;
}

export interface TableChange extends LineRef {
  action: ChangeAction;
  level: number;
  /** Row titles from the main term down to the row (the row's own last). */
  path: string[];
  /** The row before the change (delete, revise, context). */
  old?: PrintedIndexEntry;
  /** The row after it (add, revise). */
  new?: PrintedIndexEntry;
  /** Cells as printed on the row, by value column. */
  cells: CellChange[];
  printed: string;
}

export interface ParsedTableAddendum {
  changes: TableChange[];
  problems: ParseProblem[];
  /** Number of value columns the headings name. */
  columns: number;
}

/** Words of the column headings of the two tables. */
const HEADING_WORDS = new Set(
  'substance neoplasm poisoning accidental unintentional intentional self self-harm harm assault undetermined adverse effect underdosing malignant primary secondary ca in situ benign uncertain unspecified behavior'.split(' '),
);
const headingWord = (w: string) => HEADING_WORDS.has(w.toLowerCase().replace(/[^a-z-]/g, '').replace(/-$/, ''));

const MARKERS: Array<[RegExp, 'add' | 'delete' | 'reviseFrom' | 'reviseTo', number]> = [
  [/^Add:$/i, 'add', 1],
  [/^Delete:$/i, 'delete', 1],
  [/^Revise$/i, 'reviseFrom', 2],
];

/** A change marker starting at word i: "Add:", "Delete:", "Revise from:", "Revise to:". */
function markerAt(words: readonly string[], i: number): { action: 'add' | 'delete' | 'reviseFrom' | 'reviseTo'; used: number } | undefined {
  const w = words[i] ?? '';
  for (const [re, action, used] of MARKERS) {
    if (!re.test(w)) continue;
    if (action !== 'reviseFrom') return { action, used };
    const next = (words[i + 1] ?? '').toLowerCase();
    if (next === 'from:' || next === 'from') return { action: 'reviseFrom', used: 2 };
    if (next === 'to:' || next === 'to') return { action: 'reviseTo', used: 2 };
  }
  return undefined;
}

/** "-", "--", "—": no code in this column. */
const EMPTY_CELL = /^(-+|—|–)$/;
const CELL_CODE = /^[A-Z][0-9A-Z]{2}(\.[0-9A-Z-]{0,5})?-?$/;

interface Column {
  left: number;
  right: number;
  center: number;
}

interface PageLayout {
  /** Headings of the value columns, left to right. */
  columns: Column[];
  /** Words whose middle is right of this are cells. */
  boundary: number;
  /** Lines that are headings (not rows). */
  headingLines: Set<PdfLine>;
}

/** Phrases of a line: words closer than `gap` points joined. */
function phrases(line: PdfLine, gap = 6): Column[] {
  const out: Column[] = [];
  for (const w of line.words) {
    const last = out[out.length - 1];
    if (last && w.x - last.right < gap) {
      last.right = w.x + w.w;
      last.center = (last.left + last.right) / 2;
    } else out.push({ left: w.x, right: w.x + w.w, center: w.x + w.w / 2 });
  }
  return out;
}

function layoutOf(lines: PdfLine[]): PageLayout | undefined {
  const first = lines.find((l) => /^(Substance|Neoplasm)$/i.test(l.words[0]?.text ?? '') && l.words.length > 1 && l.words.every((w) => headingWord(w.text)));
  if (!first) return undefined;
  const headingLines = new Set<PdfLine>([first]);
  const at = lines.indexOf(first);
  for (let i = at + 1; i < lines.length && i <= at + 3; i++) {
    if (lines[i]!.words.every((w) => headingWord(w.text) || /^\(?unintentional\)?$/i.test(w.text))) headingLines.add(lines[i]!);
    else break;
  }
  const cols = phrases(first).slice(1);
  if (cols.length < 2) return undefined;
  const boundary = cols[0]!.center - (cols[1]!.center - cols[0]!.center) / 2;
  return { columns: cols, boundary, headingLines };
}

interface RawRow extends LineRef {
  title: string;
  /** Tokens per value column. */
  cells: string[][];
  printed: string[];
}

/** True when a title printed so far needs the next line to be complete. */
function titleOpen(title: string): boolean {
  const t = title.trim();
  if (!t) return false;
  const open = (t.match(/\(/g) ?? []).length > (t.match(/\)/g) ?? []).length;
  return open || /[-,+(/]$/.test(t) || /\b(see|also|or|and|of|with|by|in|to|for)$/i.test(t);
}

/** Join a wrapped title line: a word broken after a hyphen closes up ("-amine"), others take a space. */
function joinTitle(before: string, after: string): string {
  if (/[a-z]-$/.test(before) && /^[a-z]/.test(after)) return before.slice(0, -1) + after;
  if (/[A-Za-z0-9]-$/.test(before) && /^[A-Za-z0-9]/.test(after)) return before + after;
  return `${before} ${after}`;
}

/** Parse the words of a drug or neoplasm table addendum. */
export function parseTableAddendum(words: readonly PdfWord[], kind: 'drug' | 'neoplasm'): ParsedTableAddendum {
  const all = wordLines(words);
  const problems: ParseProblem[] = [];
  const rows: RawRow[] = [];
  let columns = 0;
  const pages = [...new Set(all.map((l) => l.page))];
  let cur: RawRow | undefined;
  for (const page of pages) {
    const lines = all.filter((l) => l.page === page);
    const layout = layoutOf(lines);
    if (!layout) {
      if (lines.some((l) => /[A-Z][0-9]/.test(l.words.map((w) => w.text).join(' ')))) {
        problems.push({ page, line: 1, printed: lines.map((l) => l.words.map((w) => w.text).join(' ')).slice(0, 3).join(' / '), reason: 'a page without the column headings of the table' });
      }
      continue;
    }
    columns = Math.max(columns, layout.columns.length);
    const start = Math.max(...[...layout.headingLines].map((l) => lines.indexOf(l)));
    lines.forEach((line, index) => {
      if (index <= start) return;
      const titleWords = line.words.filter((w) => w.x + w.w / 2 < layout.boundary);
      const cellWords = line.words.filter((w) => w.x + w.w / 2 >= layout.boundary);
      const title = titleWords.map((w) => w.text).join(' ');
      const printed = line.words.map((w) => w.text).join(' ');
      // A row starts with its marker or level hyphens; in the drug table a main term starts with a capital
      // (the neoplasm table has one main term, so every other row starts with a hyphen).
      const startsRow =
        title !== '' &&
        (!cur ||
          /^(Add:|Delete:|Revise\s+(from|to):|-)/i.test(title) ||
          (kind === 'drug' && !titleOpen(cur.title) && /^[A-Z0-9]/.test(title) && !/^(NEC|NOS)\b/.test(title)) ||
          (kind === 'neoplasm' && /^Neoplasm, neoplastic\b/.test(title)));
      if (startsRow) {
        cur = { page, line: index + 1, title, cells: layout.columns.map(() => []), printed: [printed] };
        rows.push(cur);
      } else if (cur) {
        if (title) cur.title = joinTitle(cur.title, title);
        cur.printed.push(printed);
      } else return;
      for (const w of cellWords) {
        const mid = w.x + w.w / 2;
        let best = 0;
        for (let c = 1; c < layout.columns.length; c++) if (Math.abs(layout.columns[c]!.center - mid) < Math.abs(layout.columns[best]!.center - mid)) best = c;
        cur!.cells[best]!.push(w.text);
      }
    });
  }

  // Rows into changes.
  const changes: TableChange[] = [];
  const titles: string[] = [];
  const pathTo = (level: number, title: string) => {
    titles.length = level;
    titles[level] = title;
    return [...titles];
  };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const printed = r.printed.join(' / ');
    const tw = r.title.split(/\s+/);
    const m = markerAt(tw, 0);
    const text = m ? tw.slice(m.used).join(' ') : r.title;
    const { level, rest } = levelOf(text);
    if (!rest) {
      problems.push({ page: r.page, line: r.line, printed, reason: 'a row without a title' });
      continue;
    }
    const entry = parseIndexEntry(rest);
    const base = { page: r.page, line: r.line, level, path: pathTo(level, entry.title) };
    if (m?.action === 'reviseFrom') {
      const next = rows[i + 1];
      const nw = next?.title.split(/\s+/) ?? [];
      const nm = next ? markerAt(nw, 0) : undefined;
      if (!next || nm?.action !== 'reviseTo') {
        problems.push({ page: r.page, line: r.line, printed, reason: '"Revise from:" row without a "Revise to:" row after it' });
        continue;
      }
      // The two rows share their cells: a cell's "Revise from:" may sit on the first row and its codes on the second.
      const cells = parseCells(r.cells.map((c, k) => [...c, ...(next.cells[k] ?? [])]), undefined);
      const both = `${printed}\n${next.printed.join(' / ')}`;
      i++;
      if ('error' in cells) {
        problems.push({ page: r.page, line: r.line, printed: both, reason: cells.error });
        continue;
      }
      const to = levelOf(nw.slice(nm.used).join(' '));
      const neu = parseIndexEntry(to.rest);
      changes.push({ ...base, path: pathTo(level, neu.title), action: 'revise', old: entry, new: neu, cells: cells.list, printed: both });
      continue;
    }
    const cells = parseCells(r.cells, m?.action);
    if ('error' in cells) {
      problems.push({ page: r.page, line: r.line, printed, reason: cells.error });
      continue;
    }
    if (m?.action === 'reviseTo') {
      problems.push({ page: r.page, line: r.line, printed, reason: '"Revise to:" row without a "Revise from:" row before it' });
      continue;
    }
    if (m?.action === 'add') changes.push({ ...base, action: 'add', new: entry, cells: cells.list, printed });
    else if (m?.action === 'delete') changes.push({ ...base, action: 'delete', old: entry, cells: cells.list, printed });
    else changes.push({ ...base, action: 'context', old: entry, cells: cells.list, printed });
  }
  return { changes, problems, columns };
}

const value = (token: string): CellValue => (EMPTY_CELL.test(token) ? null : token);

/**
 * The cells of a row. A cell holds a value ("T37.8X1", "-"), a marked value
 * ("Add: T37.4X1", "Delete: --"), or a stacked revision ("Revise from: D48.1
 * Revise to: D48.1-"). The row's own marker is the default for bare values
 * (an added row's cells are added).
 */
function parseCells(cells: string[][], rowAction: 'add' | 'delete' | 'reviseFrom' | 'reviseTo' | undefined): { list: CellChange[] } | { error: string } {
  const list: CellChange[] = [];
  for (let column = 0; column < cells.length; column++) {
    const tokens = cells[column]!;
    if (tokens.length === 0) continue;
    let action: CellChange['action'] | undefined;
    let old: CellValue | undefined;
    let neu: CellValue | undefined;
    let pending: 'add' | 'delete' | 'reviseFrom' | 'reviseTo' | undefined;
    const values: CellValue[] = [];
    for (let i = 0; i < tokens.length; ) {
      const m = markerAt(tokens, i);
      if (m) {
        pending = m.action;
        i += m.used;
        continue;
      }
      const t = tokens[i]!;
      i++;
      if (!EMPTY_CELL.test(t) && !CELL_CODE.test(t)) return { error: `column ${column + 2}: "${tokens.join(' ')}" is not a code` };
      const v = value(t);
      if (pending === 'reviseFrom') {
        old = v;
        action = 'revise';
      } else if (pending === 'reviseTo') {
        neu = v;
        action = 'revise';
      } else if (pending === 'add') {
        neu = v;
        action ??= 'add';
      } else if (pending === 'delete') {
        old = v;
        action ??= 'delete';
      } else values.push(v);
      pending = undefined;
    }
    if (!action) {
      if (values.length !== 1) return { error: `column ${column + 2}: ${values.length} values` };
      const v = values[0]!;
      if (rowAction === 'add' || rowAction === 'reviseTo') list.push({ column, action: rowAction === 'add' ? 'add' : 'context', new: v });
      else list.push({ column, action: 'context', old: v });
      continue;
    }
    list.push({ column, action, ...(old !== undefined ? { old } : {}), ...(neu !== undefined ? { new: neu } : {}) });
  }
  return { list };
}
