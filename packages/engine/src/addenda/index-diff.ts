import type { CompiledIndexFile, CompiledTerm } from '../icd10cm/alphabetic-index.js';
import { printedOf, termKey } from './apply-index.js';
import { textKey } from './text.js';

/**
 * Comparing two compiled index files entry by entry. An entry is known by
 * its path of titles (modifiers aside, case and punctuation ignored); two
 * entries at one path are told apart by their order. What is compared at a
 * path: the printed title, code, manifestation code, cross-references and
 * table cells.
 */

export interface IndexEntryRecord {
  /** Titles from the main term down, as printed (modifiers in place), joined by " > ". */
  path: string;
  code?: string;
  manif?: string;
  see?: string;
  seeAlso?: string;
  seeCat?: string;
  subcat?: string;
  /** Table cells by value column (tables only). */
  cells?: Array<string | null>;
}

export interface IndexEntryChange {
  before: IndexEntryRecord;
  after: IndexEntryRecord;
  /** What differs: title, code, manif, see, seeAlso, seeCat, subcat, cells. */
  fields: string[];
}

export interface IndexDiff {
  added: IndexEntryRecord[];
  deleted: IndexEntryRecord[];
  changed: IndexEntryChange[];
}

interface Flat {
  record: IndexEntryRecord;
  printed: string;
}

/** Every entry of an index file, by normalised path. */
export function flattenIndex(data: CompiledIndexFile): Map<string, Flat> {
  const out = new Map<string, Flat>();
  const visit = (t: CompiledTerm, keyPath: string, shownPath: string) => {
    let key = keyPath ? `${keyPath} > ${termKey(t)}` : termKey(t);
    for (let n = 2; out.has(key); n++) key = `${key.replace(/ #\d+$/, '')} #${n}`;
    // Two ways the source files write one thing are read as one: a title ending in the hyphen of a
    // cut-off "- see" ("Bends -"), and a cross-reference kept as "see" text ("also X", "category Y35").
    const printed = printedOf(t).replace(/\s*-$/, '');
    const shown = shownPath ? `${shownPath} > ${printed}` : printed;
    const record: IndexEntryRecord = { path: shown };
    if (t.c) record.code = t.c;
    if (t.m) record.manif = t.m;
    const see = t.s ? /^(also|category|subcategory)\s+(.+)$/i.exec(t.s) : null;
    if (t.s && !see) record.see = t.s;
    if (t.a) record.seeAlso = t.a;
    else if (see?.[1]!.toLowerCase() === 'also') record.seeAlso = see[2]!;
    if (t.sc) record.seeCat = t.sc;
    else if (see?.[1]!.toLowerCase() === 'category') record.seeCat = see[2]!;
    if (t.sb) record.subcat = t.sb;
    else if (see?.[1]!.toLowerCase() === 'subcategory') record.subcat = see[2]!;
    if (t.v) record.cells = t.v.slice(1);
    out.set(key, { record, printed });
    t.k?.forEach((k) => visit(k, key, shown));
  };
  data.letters.forEach((l) => l.k.forEach((t) => visit(t, '', '')));
  return out;
}

const same = (a: string | undefined, b: string | undefined) => (a === undefined || b === undefined ? a === b : textKey(a) === textKey(b));

/** What changed from index file `a` to index file `b`. */
export function diffIndex(a: CompiledIndexFile, b: CompiledIndexFile): IndexDiff {
  const fa = flattenIndex(a);
  const fb = flattenIndex(b);
  const out: IndexDiff = { added: [], deleted: [], changed: [] };
  for (const [key, x] of fa) {
    const y = fb.get(key);
    if (!y) {
      out.deleted.push(x.record);
      continue;
    }
    const fields: string[] = [];
    if (textKey(x.printed) !== textKey(y.printed)) fields.push('title');
    for (const f of ['code', 'manif', 'see', 'seeAlso', 'seeCat', 'subcat'] as const) if (!same(x.record[f], y.record[f])) fields.push(f);
    const ca = (x.record.cells ?? []).map((c) => c ?? '');
    const cb = (y.record.cells ?? []).map((c) => c ?? '');
    const width = Math.max(ca.length, cb.length);
    for (let i = 0; i < width; i++) {
      if ((ca[i] ?? '') !== (cb[i] ?? '')) {
        fields.push('cells');
        break;
      }
    }
    if (fields.length) out.changed.push({ before: x.record, after: y.record, fields });
  }
  for (const [key, y] of fb) if (!fa.has(key)) out.added.push(y.record);
  return out;
}

/** Counts of a diff. */
export function diffCounts(d: IndexDiff): { added: number; deleted: number; changed: number } {
  return { added: d.added.length, deleted: d.deleted.length, changed: d.changed.length };
}
