import { normalizeTitle, type CompiledIndexFile, type CompiledTerm } from '../icd10cm/alphabetic-index.js';
import type { ChangeSource } from './apply-tabular.js';
import type { IssueLog } from './report.js';
import { groupsTrail, type IndexChange, type PrintedIndexEntry } from './index-addenda.js';
import type { TableChange } from './table-addenda.js';
import { distance } from 'fastest-levenshtein';
import { stripGroups, textKey } from './text.js';

/**
 * Applying index addenda to a compiled index file (the form of
 * icd10cm/alphabetic-index.ts). Entries are found by their path of titles:
 * a line at level n is looked up among the subterms of the entry at level
 * n - 1 printed above it. Titles are compared without their nonessential
 * modifiers; where two entries share a title, the modifiers and then the
 * code decide, and an entry that still is not unique is reported, never guessed.
 */

const keys = new WeakMap<CompiledTerm, string>();

/**
 * Title key of a compiled entry: its printed title without parenthesised
 * groups, normalised. The printed form is used because a few source entries
 * carry words of the title inside their modifier element ("Long-term" with
 * the modifier "(current) (prophylactic) drug therapy (use of)").
 */
export function termKey(t: CompiledTerm): string {
  let k = keys.get(t);
  if (k === undefined) {
    k = normalizeTitle(stripGroups(printedOf(t)));
    keys.set(t, k);
  }
  return k;
}

function forget(t: CompiledTerm): void {
  keys.delete(t);
}

/** The printed form of a compiled entry's title, modifiers in place. */
export function printedOf(t: CompiledTerm): string {
  return t.f ?? (t.n ? `${t.t} ${t.n.join(' ')}` : t.t);
}

const printedKey = (s: string) => normalizeTitle(s);

/** What an index line names: its title, its modifiers, its code. */
export interface EntryRef {
  title: string;
  printedTitle: string;
  /** The whole printed entry without its codes (cross-references included). */
  full?: string;
  code?: string;
}

/** An entry found (`duplicates`: printed that many times; `fuzzy`: found only by a near spelling), or how many matched. */
export type Found = { index: number; duplicates?: number; fuzzy?: string } | { ambiguous: number } | undefined;

/** The entry of a list an addendum line names. */
export function findEntry(list: readonly CompiledTerm[], ref: EntryRef, fuzzy = true): Found {
  const key = normalizeTitle(stripGroups(ref.printedTitle));
  let hits = list.flatMap((t, i) => (termKey(t) === key ? [i] : []));
  if (hits.length === 0) {
    const loose = key.replace(/ /g, '');
    hits = list.flatMap((t, i) => (termKey(t).replace(/ /g, '') === loose ? [i] : []));
    // A cross-reference the source file keeps inside the title ("Environmental pollution related condition- see").
    if (hits.length === 0 && ref.full) {
      const full = normalizeTitle(stripGroups(ref.full));
      hits = list.flatMap((t, i) => (termKey(t) === full ? [i] : []));
    }
    if (hits.length === 0 && fuzzy && loose.length >= 12) {
      // A misspelling in the addendum or in the file ("precerbral artery, congential"): one entry, same first
      // letter and digits, one letter off (two in a long title).
      const digits = loose.replace(/[^0-9]/g, '');
      const near = list.flatMap((t, i) => {
        const k = termKey(t).replace(/ /g, '');
        return k[0] === loose[0] && k.replace(/[^0-9]/g, '') === digits && distance(k, loose) <= (loose.length >= 20 ? 2 : 1) ? [i] : [];
      });
      if (near.length === 1) return { index: near[0]!, fuzzy: list[near[0]!]!.t };
    }
  }
  if (hits.length <= 1) return hits.length ? { index: hits[0]! } : undefined;
  const byPrinted = hits.filter((i) => printedKey(printedOf(list[i]!)) === printedKey(ref.printedTitle));
  if (byPrinted.length === 1) return { index: byPrinted[0]! };
  const pool = byPrinted.length ? byPrinted : hits;
  // The code tells entries of one title apart; an entry printed without a code is the one without.
  const byCode = pool.filter((i) => list[i]!.c === ref.code);
  if (byCode.length === 1) return { index: byCode[0]! };
  const finalPool = byCode.length ? byCode : pool;
  // The same entry printed twice (same title, modifiers and code) is one entry.
  const same = new Set(finalPool.map((i) => JSON.stringify({ ...list[i], k: undefined })));
  if (same.size === 1) return { index: finalPool[0]!, duplicates: finalPool.length };
  return { ambiguous: finalPool.length };
}

/** Set an entry's fields from a printed entry (children, cells and warnings are kept). */
export function setFields(t: CompiledTerm, e: PrintedIndexEntry): void {
  forget(t);
  t.t = e.title;
  for (const k of ['n', 'f', 'c', 'm', 's', 'a', 'sc', 'sb'] as const) delete t[k];
  if (e.nemods.length) {
    t.n = [e.nemods.join(' ')];
    if (!groupsTrail(e.printedTitle)) t.f = e.printedTitle;
  }
  if (e.code) t.c = e.code;
  if (e.manif) t.m = e.manif;
  if (e.see) t.s = e.see;
  if (e.seeAlso) t.a = e.seeAlso;
  if (e.seeCat) t.sc = e.seeCat;
  if (e.subcat) t.sb = e.subcat;
}

/** Where an entry goes in a list: after the sibling the addendum printed above it, else in alphabetical order. */
function insertAt(list: CompiledTerm[], t: CompiledTerm, after: CompiledTerm | undefined): number {
  if (after) {
    const i = list.indexOf(after);
    if (i >= 0) return i + 1;
  }
  const key = termKey(t);
  // "with" and "without" lead a list of subterms in the index.
  if (key === 'with' || key === 'without') {
    let i = 0;
    while (i < list.length && (termKey(list[i]!) === 'with' || (key === 'without' && termKey(list[i]!) === 'without'))) i++;
    return i;
  }
  let i = 0;
  while (i < list.length && (termKey(list[i]!) === 'with' || termKey(list[i]!) === 'without' || termKey(list[i]!) <= key)) i++;
  return i;
}

/** One step of the path being walked: the entry at a level, found, added, or missing. */
interface Level {
  term?: CompiledTerm;
  /** The entry was deleted by this addendum (its subterms went with it). */
  deleted?: boolean;
  path: string[];
}

/** An index file being changed, with what last changed each entry. */
export class IndexTree {
  /** Path of titles (joined by " > ") to what last changed the entry. */
  readonly changedBy = new Map<string, ChangeSource>();

  constructor(readonly data: CompiledIndexFile) {}

  /** The letter whose list holds a main term. */
  letterFor(title: string): { t: string; k: CompiledTerm[] } {
    const first = normalizeTitle(title).replace(/[^a-z]/g, '').charAt(0).toUpperCase();
    const letter = this.data.letters.find((l) => l.t.trim().toUpperCase() === first) ?? this.data.letters[this.data.letters.length - 1];
    if (!letter) {
      const created = { t: first || '#', k: [] };
      this.data.letters.push(created);
      return created;
    }
    return letter;
  }

  /** Main terms named by a printed entry, searched in the letter of its first letter, then everywhere. */
  findMain(ref: EntryRef): { list: CompiledTerm[]; found: Found } {
    const letter = this.letterFor(ref.title);
    const found = findEntry(letter.k, ref);
    if (found) return { list: letter.k, found };
    for (const l of this.data.letters) {
      if (l === letter) continue;
      const f = findEntry(l.k, ref, false);
      if (f) return { list: l.k, found: f };
    }
    return { list: letter.k, found: undefined };
  }
}

/**
 * Walks the lines of one addendum down the tree. `locate` resolves a line's
 * parent and the entry itself; the caller decides what to change.
 */
export class PathWalker {
  private readonly levels: Level[] = [];
  /** The last entry touched at each level, so an added entry follows it. */
  private readonly last: Array<CompiledTerm | undefined> = [];

  constructor(private readonly tree: IndexTree) {}

  /** The list an entry of this level belongs to, or why there is none. */
  parentList(level: number, ref: EntryRef, create: boolean): { list: CompiledTerm[]; path: string[] } | { error: string; deleted?: boolean } {
    if (level === 0) return { list: this.tree.letterFor(ref.title).k, path: [] };
    const parent = this.levels[level - 1];
    if (!parent || !parent.term) return { error: `the entry above (level ${level - 1}) was not found`, ...(parent?.deleted ? { deleted: true } : {}) };
    if (parent.deleted) return { error: 'the entry above was deleted', deleted: true };
    if (!parent.term.k) {
      if (!create) return { error: `"${parent.term.t}" has no subterms` };
      parent.term.k = [];
    }
    return { list: parent.term.k, path: parent.path };
  }

  find(level: number, ref: EntryRef): { list: CompiledTerm[]; path: string[]; found: Found } | { error: string; deleted?: boolean } {
    if (level === 0) {
      const { list, found } = this.tree.findMain(ref);
      return { list, path: [], found };
    }
    const p = this.parentList(level, ref, false);
    if ('error' in p) return p;
    return { ...p, found: findEntry(p.list, ref) };
  }

  /** Record the entry now at a level (undefined when it was not found); deeper levels are forgotten. */
  set(level: number, term: CompiledTerm | undefined, path: string[], deleted = false): void {
    this.levels.length = level;
    this.levels[level] = { ...(term ? { term } : {}), ...(deleted ? { deleted } : {}), path: term ? [...path, term.t] : path };
    this.last.length = level + 1;
    this.last[level] = term && !deleted ? term : undefined;
  }

  after(level: number): CompiledTerm | undefined {
    return this.last[level];
  }

  insert(list: CompiledTerm[], t: CompiledTerm, level: number): void {
    list.splice(insertAt(list, t, this.after(level)), 0, t);
  }
}

const refOf = (e: PrintedIndexEntry): EntryRef => ({
  title: e.title,
  printedTitle: e.printedTitle,
  full: e.text.replace(/\s*\[[^\]]*\]$/, '').replace(/\s+[A-Z][0-9A-Z][0-9A-Z](\.[0-9A-Z]{0,4})?-?$/, ''),
  ...(e.code ? { code: e.code } : {}),
});

/** Apply the changes of one Alphabetic Index or External Cause Index addendum. */
export function applyIndexChanges(tree: IndexTree, changes: readonly IndexChange[], log: IssueLog, addendumId: number): void {
  const walker = new PathWalker(tree);
  for (let ci = 0; ci < changes.length; ci++) {
    const c = changes[ci]!;
    const next = changes[ci + 1];
    const mark = (path: string[]) => tree.changedBy.set(path.join(' > '), { addendum: addendumId, page: c.page, line: c.line });
    const target = c.action === 'add' ? c.new! : c.old!;
    const ref = refOf(target);
    if (c.action === 'add') {
      const p = walker.parentList(c.level, ref, true);
      if ('error' in p) {
        log.add('failed', c, `cannot add "${target.printedTitle}": ${p.error}`);
        walker.set(c.level, undefined, []);
        continue;
      }
      const existing = findEntry(p.list, ref, false);
      if (existing && 'index' in existing) {
        const t = p.list[existing.index]!;
        if (t.c === target.code || (!t.c && !target.code)) {
          log.add('warning', c, `"${target.printedTitle}" is already there; not added twice`);
          walker.set(c.level, t, p.path);
          continue;
        }
      }
      const t: CompiledTerm = { t: '' };
      setFields(t, target);
      walker.insert(p.list, t, c.level);
      walker.set(c.level, t, p.path);
      mark([...p.path, t.t]);
      log.applied();
      continue;
    }
    const loc = walker.find(c.level, ref);
    if ('error' in loc) {
      // Below an entry deleted by this addendum: its subterms went with it.
      if (loc.deleted && (c.action === 'delete' || c.action === 'context')) {
        if (c.action === 'delete') log.applied();
      } else {
        log.add(c.action === 'context' ? 'context' : 'failed', c, `"${target.printedTitle}" not found: ${loc.error}`);
      }
      walker.set(c.level, undefined, [], Boolean(loc.deleted));
      continue;
    }
    const { list, path, found } = loc;
    if (!found || 'ambiguous' in found) {
      const why = found ? `${found.ambiguous} entries match "${target.printedTitle}"` : `no entry "${target.printedTitle}"${path.length ? ` under ${path.join(' > ')}` : ''}`;
      log.add(c.action === 'context' ? 'context' : 'failed', c, why);
      walker.set(c.level, undefined, path);
      continue;
    }
    const term = list[found.index]!;
    const removesCopy = c.action === 'delete' && next?.action === 'context' && next.level === c.level && textKey(next.old!.text) === textKey(c.old!.text);
    if (found.duplicates && !removesCopy) log.add('warning', c, `"${target.printedTitle}" is there ${found.duplicates} times; the first is used`);
    else if (found.fuzzy) log.add('warning', c, `"${target.printedTitle}" matched "${printedOf(term)}" by a near spelling`);
    const counted = Boolean(found.duplicates || found.fuzzy);
    switch (c.action) {
      case 'context':
        walker.set(c.level, term, path);
        break;
      case 'delete':
        // "Delete X" followed by "No Change X": one of two copies goes; with one left, there is nothing to do.
        if (next?.action === 'context' && next.level === c.level && textKey(next.old!.text) === textKey(c.old!.text)) {
          if (!found.duplicates) {
            log.add('warning', c, `"${target.printedTitle}" is there once; the copy this line removes is already gone`);
            walker.set(c.level, term, path);
            break;
          }
          // The copy without subterms goes; the lines that follow name the subterms of the one kept.
          const same = (t: CompiledTerm) => JSON.stringify({ ...t, k: undefined });
          let pick = found.index;
          list.forEach((t, i) => {
            if (same(t) === same(term) && (t.k?.length ?? 0) < (list[pick]!.k?.length ?? 0)) pick = i;
          });
          list.splice(pick, 1);
          walker.set(c.level, list.find((t) => same(t) === same(term)), path);
          mark([...path, term.t]);
          if (!found.fuzzy) log.applied();
          break;
        }
        list.splice(found.index, 1);
        walker.set(c.level, term, path, true);
        mark([...path, term.t]);
        if (!counted) log.applied();
        break;
      case 'revise': {
        const before = { c: term.c, t: term.t };
        setFields(term, c.new!);
        if ((c.old!.code ?? undefined) !== (before.c ?? undefined) && c.old!.code) {
          log.add('warning', c, `"${before.t}" had code ${before.c ?? 'none'}, not ${c.old!.code}`);
        } else if (!counted) log.applied();
        walker.set(c.level, term, path);
        mark([...path, term.t]);
        break;
      }
    }
  }
}

/** Counts of a compiled index file, from its tree. */
export function recount(data: CompiledIndexFile): void {
  let mainTerms = 0;
  let terms = 0;
  let cells = 0;
  const visit = (t: CompiledTerm, depth: number) => {
    if (depth === 0) mainTerms++;
    else terms++;
    if (t.v) cells += t.v.length;
    t.k?.forEach((k) => visit(k, depth + 1));
  };
  data.letters.forEach((l) => l.k.forEach((t) => visit(t, 0)));
  data.counts = { mainTerms, terms, cells };
}

/** Apply the changes of one Table of Drugs or Table of Neoplasms addendum (rows and their cells). */
export function applyTableChanges(tree: IndexTree, changes: readonly TableChange[], log: IssueLog, addendumId: number): void {
  const walker = new PathWalker(tree);
  const width = tree.data.columns?.length ?? 7;
  for (const c of changes) {
    const mark = (path: string[]) => tree.changedBy.set(path.join(' > '), { addendum: addendumId, page: c.page, line: c.line });
    const target = c.action === 'add' ? c.new! : c.old!;
    const ref = refOf(target);
    if (c.action === 'add') {
      const p = walker.parentList(c.level, ref, true);
      if ('error' in p) {
        log.add('failed', c, `cannot add the row "${target.printedTitle}": ${p.error}`);
        walker.set(c.level, undefined, []);
        continue;
      }
      const existing = findEntry(p.list, ref, false);
      if (existing && 'index' in existing) {
        log.add('warning', c, `the row "${target.printedTitle}" is already there; its cells are set`);
        const t = p.list[existing.index]!;
        setCells(t, c, width);
        walker.set(c.level, t, p.path);
        mark([...p.path, t.t]);
        continue;
      }
      const t: CompiledTerm = { t: '' };
      setFields(t, target);
      if (c.cells.length) setCells(t, c, width);
      walker.insert(p.list, t, c.level);
      walker.set(c.level, t, p.path);
      mark([...p.path, t.t]);
      log.applied();
      continue;
    }
    const loc = walker.find(c.level, ref);
    if ('error' in loc) {
      if (loc.deleted && (c.action === 'delete' || c.action === 'context')) {
        if (c.action === 'delete') log.applied();
      } else log.add(c.action === 'context' && !changesCells(c) ? 'context' : 'failed', c, `the row "${target.printedTitle}" not found: ${loc.error}`);
      walker.set(c.level, undefined, [], Boolean(loc.deleted));
      continue;
    }
    const { list, path, found } = loc;
    if (!found || 'ambiguous' in found) {
      const why = found ? `${found.ambiguous} rows match "${target.printedTitle}"` : `no row "${target.printedTitle}"${path.length ? ` under ${path.join(' > ')}` : ''}`;
      log.add(c.action === 'context' && !changesCells(c) ? 'context' : 'failed', c, why);
      walker.set(c.level, undefined, path);
      continue;
    }
    const term = list[found.index]!;
    const notes: string[] = [];
    if (found.duplicates) notes.push(`the row is there ${found.duplicates} times; the first is used`);
    if (found.fuzzy) notes.push(`matched "${printedOf(term)}" by a near spelling`);
    if (c.action === 'delete') {
      list.splice(found.index, 1);
      walker.set(c.level, term, path, true);
      mark([...path, term.t]);
    } else {
      if (c.action === 'revise') setFields(term, c.new!);
      notes.push(...setCells(term, c, width));
      walker.set(c.level, term, path);
      if (c.action === 'revise' || changesCells(c)) mark([...path, term.t]);
      else continue;
    }
    if (notes.length) log.add('warning', c, notes.join('; '));
    else log.applied();
  }
}

function changesCells(c: TableChange): boolean {
  return c.cells.some((x) => x.action !== 'context');
}

/** Write a row's cell changes; returns remarks where the row's old value differs from the printed one. */
function setCells(t: CompiledTerm, c: TableChange, width: number): string[] {
  const notes: string[] = [];
  const v = (t.v ??= []);
  while (v.length < width) v.push(null);
  for (const cell of c.cells) {
    const i = cell.column + 1;
    const now = v[i] ?? null;
    if (c.action === 'add' && cell.action !== 'delete') {
      v[i] = cell.new ?? null;
      continue;
    }
    switch (cell.action) {
      case 'revise':
        if (cell.old !== undefined && now !== cell.old) notes.push(`column ${i + 1} held ${now ?? '-'}, not ${cell.old ?? '-'}`);
        v[i] = cell.new ?? null;
        break;
      case 'add':
        if (now !== null && now !== cell.new) notes.push(`column ${i + 1} held ${now}`);
        v[i] = cell.new ?? null;
        break;
      case 'delete':
        if (c.action !== 'delete') v[i] = null;
        break;
      case 'context':
        break;
    }
  }
  return notes;
}
