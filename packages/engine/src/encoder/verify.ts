import { padForSeventh } from '../icd10cm/code.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CodeNote, CodeRef, SeventhCharacter } from '../lookup.js';
import { codeInRelease } from './search-build.js';
import type { SearchIndex } from './search-index.js';
import { stem } from './stem.js';
import { STOPWORDS, words as wordsOf } from './tokenize.js';

/**
 * What to verify in the Tabular List for a code an index or table gives:
 * whether the release in force has it and may report it as it stands, the
 * 7th character or further characters still to choose, and the notes that
 * change what is coded (code first, use additional code, code also,
 * Excludes1).
 */

export type CheckStatus = 'billable' | 'needs-7th-character' | 'needs-more-characters' | 'not-in-release';

export interface CodeCheck {
  /** The code as the index or table writes it ("S72.0-", "E11.22"). */
  indexCode: string;
  /** code: what the entry leads to; manifestation: the code in brackets; cell: a table cell. */
  role: 'code' | 'manifestation' | 'cell';
  /** The code of the release it stands for (itself, or the header above an incomplete code). */
  code?: string;
  title?: string;
  status: CheckStatus;
  /** One line for people. */
  message: string;
  /** 7th characters to choose from (with the full codes), when one is needed. */
  seventh?: Array<SeventhCharacter & { code: string }>;
  /** Billable codes below a header, those sharing words with the phrase first. */
  choices?: CodeRef[];
  codeFirst?: CodeNote[];
  useAdditionalCode?: CodeNote[];
  codeAlso?: CodeNote[];
  excludes1?: CodeNote[];
  /** Billable codes named by a "use additional code" note that match the rest of the phrase (e.g. the CKD stage). */
  additional?: CodeRef[];
}

const CHOICE_LIMIT = 12;

/** Title words of a code as stem and word pairs, kept per release (titles come back for every walk near them). */
const titleMemo = new WeakMap<Icd10cmRelease, Map<string, string[]>>();
const TITLE_MEMO_LIMIT = 50_000;

function titleTokens(release: Icd10cmRelease, code: string, title: string): string[] {
  let memo = titleMemo.get(release);
  if (!memo) titleMemo.set(release, (memo = new Map()));
  let t = memo.get(code);
  if (!t) {
    t = [];
    for (const w of wordsOf(title)) t.push(stem(w), w);
    if (memo.size >= TITLE_MEMO_LIMIT) memo.clear();
    memo.set(code, t);
  }
  return t;
}

/** Words of a title whose stem, or the word itself, is among `stems`. */
function overlap(release: Icd10cmRelease, code: string, title: string, stems: ReadonlySet<string>): number {
  const t = titleTokens(release, code, title);
  let n = 0;
  for (let i = 0; i < t.length; i += 2) if (stems.has(t[i]!) || stems.has(t[i + 1]!)) n++;
  return n;
}

/**
 * Codes and titles of search documents, decoded once per index (the same
 * codes are offered walk after walk), kept by document in an array as long
 * as the index's documents: it never grows, so no walk pays for a rehash.
 */
const docTextMemo = new WeakMap<SearchIndex, Array<[code: string, title: string] | undefined>>();

function docText(ix: SearchIndex, doc: number): [code: string, title: string] {
  let memo = docTextMemo.get(ix);
  if (!memo) docTextMemo.set(ix, (memo = new Array<[code: string, title: string] | undefined>(ix.docCount).fill(undefined)));
  return (memo[doc] ??= [ix.code(doc), ix.title(doc)]);
}

/** A billable code of the search index as a choice. */
function billableRef(ix: SearchIndex, doc: number): CodeRef {
  const [code, title] = docText(ix, doc);
  return { code, title, billable: true };
}

/** A string's term id in a search index, kept per index and string (a string table lookup otherwise). */
type TermLookup = (ix: SearchIndex, s: string) => number;

function keptPerIndex(find: TermLookup): TermLookup {
  const memos = new WeakMap<SearchIndex, Map<string, number>>();
  return (ix, s) => {
    let memo = memos.get(ix);
    if (!memo) memos.set(ix, (memo = new Map()));
    let t = memo.get(s);
    if (t === undefined) {
      t = find(ix, s);
      if (memo.size >= TITLE_MEMO_LIMIT) memo.clear();
      memo.set(s, t);
    }
    return t;
  };
}

/** Term id of a stem (-1 when no text has it). */
const termOf = keptPerIndex((ix, s) => ix.term(s));

/**
 * Term id of a word of the index's own texts, as the import stemmed it (-1
 * for a string no title or entry has as a word): what a form of the phrase
 * stems to matters only where a title has a word spelt like it.
 */
const termOfWord = keptPerIndex((ix, w) => ix.termOfKnownWord(w));

/**
 * Term ids of the search index for a set of stems and words: each as given,
 * and the token of a title word spelt like it (its stem; none when no title
 * has the word). A title word shares a word with the set when its stem or
 * itself is in it, so these tokens find every such title.
 */
function termsOf(ix: SearchIndex, stems: ReadonlySet<string>): number[] {
  const terms = new Set<number>();
  for (const s of stems) {
    const t = termOf(ix, s);
    if (t >= 0) terms.add(t);
    const spelt = termOfWord(ix, s);
    if (spelt >= 0) terms.add(spelt);
  }
  return [...terms];
}

/**
 * Documents in [from, to) of the release's search index whose title may
 * share a word with `stems`: titles holding one of the terms (found by
 * bisection in the titles by term, which are in code order), and the titles
 * with NEC or NOS when those are asked for (the tokens leave them out).
 * Sorted; a superset of the titles with an overlap, which the caller counts
 * exactly.
 */
function titlesSharing(ix: SearchIndex, stems: ReadonlySet<string>, terms: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  if (to <= from) return out;
  for (const t of terms) ix.titlesWith(t, from, to, out);
  if (stems.has('nec') || stems.has('nos')) for (const d of ix.instructionDocs) if (d >= from && d < to) out.push(d);
  out.sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[n++] = out[i]!;
  out.length = n;
  return out;
}

/** Marks of a term in TitleOverlap: a title word with this token counts; a title with it is read from the text. */
const COUNTED = 1;
const READ_TEXT = 2;

/** Term marks of TitleOverlap (apart from titlesSharing's, which are set and cleared while a count runs). */
const counterMarks = new WeakMap<SearchIndex, Uint8Array>();

/** Stopwords and their stems: a title's stopwords have no tokens, so a phrase naming one is counted from the text. */
const STOP_FORMS: ReadonlySet<string> = new Set([...STOPWORDS].flatMap((w) => [w, stem(w)]));

/**
 * Counts of title words shared with a set of stems and words (see overlap),
 * read from the title tokens of the release's search index (title entries are
 * entries 0 to docs - 1, one stem per word). Where tokens cannot tell — a
 * stem the stemmer does not keep, a stopword, the titles with NEC or NOS —
 * the title text is read instead, so the counts are the same either way.
 */
class TitleOverlap {
  private readonly mark: Uint8Array;
  private readonly terms: number[] = [];
  private readonly fromText: boolean;

  constructor(private readonly release: Icd10cmRelease, private readonly ix: SearchIndex, private readonly stems: ReadonlySet<string>) {
    let mark = counterMarks.get(ix);
    if (!mark) counterMarks.set(ix, (mark = new Uint8Array(ix.termCount)));
    this.mark = mark;
    let fromText = false;
    for (const s of stems) {
      if (STOP_FORMS.has(s)) fromText = true;
      const t = termOf(ix, s);
      if (t >= 0 && !mark[t]) {
        mark[t] = COUNTED;
        this.terms.push(t);
      }
    }
    // A stem the stemmer does not keep ("transvers" stems to "transver"): a title word spelt as it is counts,
    // but its token is the stem of the stem. Titles holding that token are read from the text. (Only a word some
    // title has can be spelt by a title word: its token is the one the import gave it.)
    for (const s of stems) {
      const t = termOfWord(ix, s);
      // A word whose stem is in the set (or is itself) is counted by its token already.
      if (t >= 0 && !mark[t]) {
        mark[t] = READ_TEXT;
        this.terms.push(t);
      }
    }
    this.fromText = fromText;
  }

  count(doc: number): number {
    const ix = this.ix;
    if (this.fromText || this.isInstruction(doc)) return this.fromTitle(doc);
    let n = 0;
    const mask = ix.termMask;
    for (let k = ix.tokStart[doc]!; k < ix.tokStart[doc + 1]!; k++) {
      const m = this.mark[ix.toks[k]! & mask];
      if (m === COUNTED) n++;
      else if (m === READ_TEXT) return this.fromTitle(doc);
    }
    return n;
  }

  private fromTitle(doc: number): number {
    const [code, title] = docText(this.ix, doc);
    return overlap(this.release, code, title, this.stems);
  }

  private isInstruction(doc: number): boolean {
    for (const d of this.ix.instructionDocs) if (d === doc) return true;
    return false;
  }

  /** Clear the marks (the array is shared by every count on this index). */
  done(): void {
    for (const t of this.terms) this.mark[t] = 0;
  }
}

/**
 * Where a code's descendants lie among the release's search documents, which
 * no phrase changes: the run [from, to) of documents in code order below the
 * code, and its first CHOICE_LIMIT billable documents (the choices when no
 * title shares a word). Kept per index and code: the same headers come back
 * walk after walk.
 */
interface Below {
  from: number;
  to: number;
  firstBillable: number[];
}

const belowMemo = new WeakMap<SearchIndex, Map<string, Below | null>>();

/** The run [from, to) of the search documents below a code; none when the index has no document for the code. */
export function belowRange(ix: SearchIndex, code: string): [from: number, to: number] | undefined {
  if (ix.doc(code) < 0) return undefined;
  // Codes below a code are those its code starts (the Tabular List's hierarchy), one run of documents in code order.
  return [ix.lowerBound(code) + 1, Math.min(ix.lowerBound(`${code}\uffff`), ix.docCount)];
}

function belowIn(ix: SearchIndex, [from, to]: readonly [number, number]): Below {
  const firstBillable: number[] = [];
  for (let doc = from; doc < to && firstBillable.length < CHOICE_LIMIT; doc++) if (ix.billable(doc)) firstBillable.push(doc);
  return { from, to, firstBillable };
}

function belowOf(ix: SearchIndex, code: string): Below | undefined {
  let memo = belowMemo.get(ix);
  if (!memo) belowMemo.set(ix, (memo = new Map()));
  let b = memo.get(code);
  if (b === undefined) {
    const range = belowRange(ix, code);
    b = range ? belowIn(ix, range) : null;
    if (memo.size >= TITLE_MEMO_LIMIT) memo.clear();
    memo.set(code, b);
  }
  return b ?? undefined;
}

/** Billable codes below a code, ranked by words they share with the rest of the phrase, then code order (`known`: where they lie, when the check file says). */
function choicesBelow(release: Icd10cmRelease, code: string, rest: ReadonlySet<string>, ix?: SearchIndex, known?: Below): CodeRef[] {
  const below = ix && (known ?? belowOf(ix, code));
  if (ix && below) {
    const { from, to } = below;
    const scored: Array<{ doc: number; n: number }> = [];
    const candidates = titlesSharing(ix, rest, termsOf(ix, rest), from, to);
    const counter = new TitleOverlap(release, ix, rest);
    try {
      for (const doc of candidates) {
        if (!ix.billable(doc)) continue;
        const n = counter.count(doc);
        if (n > 0) scored.push({ doc, n });
      }
    } finally {
      counter.done();
    }
    // Then codes sharing nothing, in code order, up to the limit (those sharing words come first, so the first
    // CHOICE_LIMIT billable codes hold every one that can still be among the choices).
    if (scored.length < CHOICE_LIMIT) {
      const has = new Set(scored.map((x) => x.doc));
      for (const doc of below.firstBillable) if (!has.has(doc)) scored.push({ doc, n: 0 });
    }
    return scored
      .sort((a, b) => b.n - a.n || a.doc - b.doc)
      .slice(0, CHOICE_LIMIT)
      .map(({ doc }) => billableRef(ix, doc));
  }
  const out: Array<CodeRef & { n: number }> = [];
  const walk = (c: string) => {
    for (const k of release.childrenOf(c)) {
      const n = release.node(k)!;
      if (n.b) out.push({ code: n.c, title: n.t, billable: true, n: overlap(release, n.c, n.t, rest) });
      walk(k);
    }
  };
  walk(code);
  return out
    .sort((a, b) => b.n - a.n || (a.code < b.code ? -1 : 1))
    .slice(0, CHOICE_LIMIT)
    .map(({ n: _n, ...r }) => r);
}

const CODE_RANGE = /\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\s*-\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?))?/g;

/** Code ranges a note names, read once per note (notes are kept with the code facts, see factsOf). */
const rangeMemo = new WeakMap<CodeNote, Array<[lo: string, upTo: string]>>();

function rangesOf(note: CodeNote): Array<[lo: string, upTo: string]> {
  let out = rangeMemo.get(note);
  if (!out) {
    out = [];
    for (const m of note.text.matchAll(CODE_RANGE)) {
      const lo = m[1]!;
      const hi = m[2];
      // The codes named: from lo up to hi and the codes below hi, or the codes below lo.
      out.push([lo, hi ? `${hi}\uffff` : `${lo}\uffff`]);
    }
    rangeMemo.set(note, out);
  }
  return out;
}

/**
 * The document ranges [from, to) of the codes notes name (a flat list of
 * pairs), kept per index and note list, and per note: a family's codes
 * inherit the same notes, so a note's ranges are found once for all of them.
 */
const noteDocsMemo = new WeakMap<SearchIndex, WeakMap<readonly CodeNote[], readonly number[]>>();
const noteRangeMemo = new WeakMap<SearchIndex, WeakMap<CodeNote, number[]>>();

function noteRanges(ix: SearchIndex, note: CodeNote): number[] {
  let memo = noteRangeMemo.get(ix);
  if (!memo) noteRangeMemo.set(ix, (memo = new WeakMap()));
  let out = memo.get(note);
  if (!out) {
    out = [];
    for (const [lo, upTo] of rangesOf(note)) out.push(ix.lowerBound(lo), Math.min(ix.lowerBound(upTo), ix.docCount));
    memo.set(note, out);
  }
  return out;
}

export function noteDocs(ix: SearchIndex, notes: readonly CodeNote[]): readonly number[] {
  let memo = noteDocsMemo.get(ix);
  if (!memo) noteDocsMemo.set(ix, (memo = new WeakMap()));
  let docs = memo.get(notes);
  if (!docs) {
    // A plain array: most lists are short, and a typed array is allocated outside the heap.
    const out: number[] = [];
    for (const note of notes) out.push(...noteRanges(ix, note));
    memo.set(notes, (docs = out));
  }
  return docs;
}

/** Billable codes a note names (single codes, "N18.-", ranges "N18.1-N18.6") that share a word with the rest of the phrase. */
function additionalFrom(release: Icd10cmRelease, notes: readonly CodeNote[], rest: ReadonlySet<string>, ix?: SearchIndex, known?: readonly number[]): CodeRef[] {
  if (rest.size === 0 || notes.length === 0) return [];
  if (ix) {
    const docs = known ?? noteDocs(ix, notes);
    if (docs.length === 0) return [];
    const found = new Map<number, number>();
    const terms = termsOf(ix, rest);
    const counter = new TitleOverlap(release, ix, rest);
    try {
      for (let r = 0; r < docs.length; r += 2) {
        for (const doc of titlesSharing(ix, rest, terms, docs[r]!, docs[r + 1]!)) {
          if (!ix.billable(doc) || found.has(doc)) continue;
          const n = counter.count(doc);
          if (n > 0) found.set(doc, n);
        }
      }
    } finally {
      counter.done();
    }
    let best = 0;
    for (const n of found.values()) if (n > best) best = n;
    return [...found]
      .filter(([, n]) => n === best)
      .map(([doc]) => doc)
      .sort((a, b) => a - b)
      .slice(0, 5)
      .map((doc) => billableRef(ix, doc));
  }
  const ranges: Array<[lo: string, upTo: string]> = [];
  for (const note of notes) ranges.push(...rangesOf(note));
  if (ranges.length === 0) return [];
  const found = new Map<string, CodeRef & { n: number }>();
  const all = release.billableCodes() as string[];
  for (const [lo, upTo] of ranges) {
    for (let i = lowerBoundOf(all, lo); i < all.length && all[i]! < upTo; i++) {
      const c = all[i]!;
      const node = release.node(c);
      if (!node || found.has(c)) continue;
      const n = overlap(release, c, node.t, rest);
      if (n > 0) found.set(c, { code: c, title: node.t, billable: true, n });
    }
  }
  const best = Math.max(0, ...[...found.values()].map((f) => f.n));
  return [...found.values()]
    .filter((f) => f.n === best)
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .slice(0, 5)
    .map(({ n: _n, ...r }) => r);
}

function lowerBoundOf(arr: readonly string[], x: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What a check works out from the Tabular List for an index code, whatever
 * the phrase and the release's label: the code of the release it stands for,
 * its status, the notes of each kind a check shows (as release.notesFor
 * lists them: its own, then those it inherits) and the 7th characters to
 * choose from. The import writes these for every code the index names (see
 * check-table.ts), so a walk need not work them out the first time it meets
 * a code; codes outside that file are worked out here.
 */
export interface FactParts {
  /** The code of the release the index code stands for, and its title; none when the release does not have it. */
  code?: string;
  title?: string;
  status: CheckStatus;
  /** needs-more-characters only: the index writes the header's own code (not a longer code the release lacks). */
  stated: boolean;
  codeFirst: readonly CodeNote[];
  useAdditional: readonly CodeNote[];
  codeAlso: readonly CodeNote[];
  excludes1: readonly CodeNote[];
  /** needs-7th-character only: where the 7th characters are defined, and those whose full code the release has. */
  seventh?: { from: string; options: readonly SeventhCharacter[] };
  /**
   * From the check file, in documents of the release's own search index (written with it): the run of
   * documents below a header (needs-more-characters), and the document ranges its use-additional notes name.
   */
  below?: readonly [from: number, to: number];
  additionalDocs?: readonly number[];
}

/** The parts of a release a check reads. */
export type CheckTabular = Pick<Icd10cmRelease, 'node' | 'childrenOf' | 'notesOfKind' | 'seventhFor'>;

const NONE: readonly CodeNote[] = Object.freeze([]);

export function factPartsOf(release: CheckTabular, indexCode: string): FactParts {
  const code = codeInRelease(indexCode, (c) => release.node(c) !== undefined);
  if (!code) return { status: 'not-in-release', stated: false, codeFirst: NONE, useAdditional: NONE, codeAlso: NONE, excludes1: NONE };
  // The node and its notes, not the whole of release.lookup (its children, chapter, section): what a check says.
  const node = release.node(code)!;
  const parts: FactParts = {
    code,
    title: node.t,
    status: 'billable',
    stated: false,
    codeFirst: release.notesOfKind(node, 'codeFirst'),
    useAdditional: release.notesOfKind(node, 'useAdditionalCode'),
    codeAlso: release.notesOfKind(node, 'codeAlso'),
    excludes1: release.notesOfKind(node, 'excludes1'),
  };
  if (node.b === 1) return parts;
  const leaf = release.childrenOf(code).every((c) => release.node(c)?.k === 'extension');
  // As lookup gives them: the 7th characters of a code whose children are all full codes (none for a full code itself).
  const seventh = leaf && !(node.k === 'extension' && node.p) ? release.seventhFor(node) : undefined;
  if (seventh) {
    const padded = padForSeventh(code);
    parts.status = 'needs-7th-character';
    parts.seventh = { from: seventh.from, options: seventh.definitions.filter((d) => release.node(padded + d.char)?.b) };
    return parts;
  }
  parts.status = 'needs-more-characters';
  parts.stated = indexCode.replace(/[-.\s]+$/, '').replace(/\./g, '') === code.replace('.', '');
  return parts;
}

/**
 * Where a release's check parts come from before they are worked out: the
 * check file of the release, when the walk opened one (see check-table.ts).
 */
export interface FactSource {
  /** How many codes the source holds (ids are 0 to size - 1). */
  readonly size: number;
  /** The id of an index code, or -1 when the source does not hold it. */
  find(indexCode: string): number;
  parts(id: number): FactParts;
}

const factSources = new WeakMap<Icd10cmRelease, { source: FactSource; search?: SearchIndex }>();

/**
 * Let checks against a release read their parts from a source (the release's
 * check file); `search`: the release's search index, whose documents the
 * source's document ranges number.
 */
export function useFactSource(release: Icd10cmRelease, source: FactSource, search?: SearchIndex): void {
  factSources.set(release, search ? { source, search } : { source });
}

/**
 * What a check says of an index code whatever the phrase: its parts, and
 * the check's head, status, message and 7th characters made from them.
 * Kept per release: the same codes come back walk after walk.
 */
export interface CodeFacts {
  /** The check's fields before the phrase's additional codes. */
  head: Pick<CodeCheck, 'indexCode' | 'role' | 'code' | 'title' | 'codeFirst' | 'useAdditionalCode' | 'codeAlso' | 'excludes1'>;
  status: CheckStatus;
  message: string;
  seventh?: CodeCheck['seventh'];
  /** The code's use-additional notes, shared by the codes of a family that have none of their own (see Icd10cmRelease.notesOfKind). */
  useAdditional: readonly CodeNote[];
  /** Where the check file's document ranges hold: its release's search index. */
  search?: SearchIndex;
  below?: Below;
  additionalDocs?: readonly number[];
}

const factsMemo = new WeakMap<Icd10cmRelease, Map<string, CodeFacts>>();
const ROLES: ReadonlyArray<CodeCheck['role']> = ['code', 'manifestation', 'cell'];

/** Facts of the codes a release's fact source holds, by role and id (arrays as long as the source: no rehash as they fill). */
const sourceMemo = new WeakMap<FactSource, Array<Array<CodeFacts | undefined>>>();

function factsOf(release: Icd10cmRelease, indexCode: string, role: CodeCheck['role']): CodeFacts {
  const used = factSources.get(release);
  const id = used ? used.source.find(indexCode) : -1;
  if (used && id >= 0) {
    const { source, search } = used;
    let byRole = sourceMemo.get(source);
    if (!byRole) sourceMemo.set(source, (byRole = ROLES.map(() => new Array<CodeFacts | undefined>(source.size).fill(undefined))));
    const memo = byRole[ROLES.indexOf(role)]!;
    let f = memo[id];
    if (!f) {
      const parts = source.parts(id);
      f = factsFrom(release, indexCode, role, parts);
      if (search) {
        f.search = search;
        if (parts.below) f.below = belowIn(search, parts.below);
        if (parts.additionalDocs) f.additionalDocs = parts.additionalDocs;
      }
      memo[id] = f;
    }
    return f;
  }
  let memo = factsMemo.get(release);
  if (!memo) factsMemo.set(release, (memo = new Map()));
  const key = `${role}\u0000${indexCode}`;
  let f = memo.get(key);
  if (!f) {
    f = factsFrom(release, indexCode, role, factPartsOf(release, indexCode));
    if (memo.size >= TITLE_MEMO_LIMIT) memo.clear();
    memo.set(key, f);
  }
  return f;
}

/** A check's facts made from its parts (the same whether the parts were read from the check file or worked out). */
export function factsFrom(release: Icd10cmRelease, indexCode: string, role: CodeCheck['role'], parts: FactParts): CodeFacts {
  const { code, title, status, useAdditional } = parts;
  if (!code || title === undefined) {
    return { head: { indexCode, role }, status: 'not-in-release', message: `${indexCode} is not a code of ${release.ref.label}; the index entry is older than this release`, useAdditional: NONE };
  }
  // Fields set one by one in the order of the check's type (a kind without notes is left out).
  const head: CodeFacts['head'] = { indexCode, role, code, title };
  if (parts.codeFirst.length) head.codeFirst = parts.codeFirst.slice();
  if (useAdditional.length) head.useAdditionalCode = useAdditional.slice();
  if (parts.codeAlso.length) head.codeAlso = parts.codeAlso.slice();
  if (parts.excludes1.length) head.excludes1 = parts.excludes1.slice();
  if (status === 'billable') return { head, status, message: `${code} is billable in ${release.ref.label}`, useAdditional };
  if (status === 'needs-7th-character') {
    const padded = padForSeventh(code);
    const seventh = parts.seventh!;
    const options = seventh.options.map((d) => ({ ...d, code: padded + d.char }));
    const message = `${code} needs a 7th character (${options.map((o) => o.char).join(', ')}), defined at ${seventh.from}`;
    return { head, status, message, seventh: options, useAdditional };
  }
  const message = parts.stated
    ? `${code} is a header in ${release.ref.label}; choose one of the billable codes below it`
    : `${indexCode} is not billable in ${release.ref.label}; ${code} is the nearest header, choose a billable code below it`;
  return { head, status, message, useAdditional };
}

/** Check a code an index entry or table cell gives against the release in force. `rest` are stems of phrase words not used by the path. */
export function checkCode(release: Icd10cmRelease, indexCode: string, role: CodeCheck['role'], rest: ReadonlySet<string> = new Set(), every: ReadonlySet<string> = rest, titles?: SearchIndex): CodeCheck {
  const f = factsOf(release, indexCode, role);
  const { status, message } = f;
  // Document ranges the check file gives hold in the search index it was written with.
  const own = titles !== undefined && f.search === titles;
  // Written field by field after a copy of the facts' head: the same fields in the same order as one literal, made faster.
  const out = { ...f.head } as CodeCheck;
  if (status !== 'not-in-release') {
    const additional = additionalFrom(release, f.useAdditional, rest, titles, own ? f.additionalDocs : undefined);
    if (additional.length) out.additional = additional;
  }
  out.status = status;
  if (status === 'needs-more-characters') out.choices = choicesBelow(release, f.head.code!, every, titles, own ? f.below : undefined);
  else if (status !== 'not-in-release' && f.seventh) out.seventh = f.seventh;
  out.message = message;
  return out;
}
