import type { RewrittenQuery } from './abbreviations.js';
import { stem } from './stem.js';
import type { EntryKind, SearchIndex } from './search-index.js';
import { STOPWORDS } from './tokenize.js';

/**
 * Ranking over one release's search index. Entries are scored BM25-style
 * (short fields, so a mild length normalisation), then the best candidates
 * are re-scored with what BM25 misses: how much of the query an entry covers
 * and how much of the entry the query covers, the order and closeness of the
 * matched words, and an exact-phrase bonus. A code scores by its best entry;
 * billable codes get a boost. Very common words are left out of the first
 * pass (they still count in the second), which bounds the work per query.
 */

export interface TermAlternative {
  term: number;
  weight: number;
}

/** One word of the query, resolved against an index. */
export interface QueryTerm {
  surface: string;
  alts: TermAlternative[];
  optional: boolean;
  idf: number;
  /** The word was corrected or completed: what it became. */
  replacedBy?: string;
}

export interface RankOptions {
  limit: number;
  billableOnly?: boolean;
  chapter?: string;
  /** Treat the last word as a prefix (type-ahead). */
  prefixLast?: boolean;
}

export interface RankedDoc {
  doc: number;
  entry: number;
  score: number;
}

const K1 = 1.2;
const B = 0.5;
/** How many first-pass candidates are re-scored. */
const RESCORE = 150;
/** Postings read in the first pass beyond the rarest term's. */
const POSTING_BUDGET = 16_000;
/** Postings read at least for every term. */
const MIN_PER_TERM = 1500;
/** Weight of an entry by where its text comes from. */
const KIND_WEIGHT: Record<EntryKind, number> = {
  title: 1,
  short: 0.7,
  inclusion: 0.97,
  index: 0.97,
  see: 0.9,
  eindex: 0.9,
  drug: 0.85,
  neoplasm: 0.85,
  definition: 0.6,
  includes: 0.8,
};
const KIND_WEIGHTS = Object.values(KIND_WEIGHT);
const BILLABLE_BOOST = 1.12;

/** Scratch arrays per index, reused across queries (queries run one at a time). */
interface Scratch {
  /**
   * Per entry, side by side so a posting reads one cache line: [2e] the BM25 length normalisation
   * K1 * (1 - B + B * len / avg), [2e + 1] the first-pass score (0 when untouched: every contribution
   * is positive; reset after each query).
   */
  normAcc: Float32Array;
  touched: Uint32Array;
  /** Query term of each term id (-1: none), and the weight of that alternative. */
  termSlot: Int32Array;
  termWeight: Float64Array;
  heap: Int32Array;
  heapScore: Float32Array;
  docBest: Float32Array;
  docEntry: Int32Array;
  docTouched: Uint32Array;
}
const scratches = new WeakMap<SearchIndex, Scratch>();

function scratchOf(ix: SearchIndex): Scratch {
  let s = scratches.get(ix);
  if (!s) {
    s = {
      normAcc: new Float32Array(ix.entryCount * 2),
      touched: new Uint32Array(ix.entryCount),
      termSlot: new Int32Array(ix.termCount).fill(-1),
      termWeight: new Float64Array(ix.termCount),
      heap: new Int32Array(RESCORE),
      heapScore: new Float32Array(RESCORE),
      docBest: new Float32Array(ix.docCount),
      docEntry: new Int32Array(ix.docCount).fill(-1),
      docTouched: new Uint32Array(ix.docCount),
    };
    const avg = ix.header.avgLength;
    for (let e = 0; e < ix.entryCount; e++) s.normAcc[2 * e] = K1 * (1 - B + (B * ix.entryLen[e]!) / avg);
    scratches.set(ix, s);
  }
  return s;
}

/** Allocate a search index's scratch arrays now rather than on its first query. */
export function prepareRanking(ix: SearchIndex): void {
  scratchOf(ix);
}

function idfOf(ix: SearchIndex, df: number): number {
  const n = ix.entryCount;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Resolve the words of a rewritten query against an index: exact stems, completions of the last word, corrections. */
export function resolveTerms(ix: SearchIndex, q: RewrittenQuery, prefixLast: boolean, knownElsewhere?: ReadonlySet<string>): QueryTerm[] {
  const out: QueryTerm[] = [];
  const words = q.words.filter((w) => !STOPWORDS.has(w.word));
  words.forEach((w, i) => {
    const alts: TermAlternative[] = [];
    const add = (term: number, weight: number) => {
      if (term < 0) return;
      const have = alts.find((a) => a.term === term);
      if (have) have.weight = Math.max(have.weight, weight);
      else alts.push({ term, weight });
    };
    const exact = ix.term(stem(w.word));
    add(exact, 1);
    let replacedBy: string | undefined;
    const last = i === words.length - 1 && prefixLast && !w.optional;
    const elsewhere = exact < 0 && knownElsewhere?.has(w.word) === true;
    if (last && !elsewhere && w.word.length >= 2 && ix.word(w.word) < 0) {
      const done = ix.completions(w.word, 6);
      for (const id of done) add(ix.wordTerm[id]!, 0.85);
      if (done.length && exact < 0) replacedBy = `${ix.wordAt(done[0]!)}…`;
    }
    if (alts.length === 0 && !elsewhere && !/[0-9]/.test(w.word)) {
      const fixes = ix.corrections(w.word, 3);
      for (const f of fixes) add(ix.wordTerm[f.id]!, f.distance === 1 ? 0.8 : 0.6);
      if (fixes.length) replacedBy = ix.wordAt(fixes[0]!.id);
    }
    let idf = 0;
    for (const a of alts) idf = Math.max(idf, idfOf(ix, ix.df[a.term]!));
    if (alts.length === 0) idf = idfOf(ix, 1);
    out.push({ surface: w.word, alts, optional: w.optional, idf, ...(replacedBy ? { replacedBy } : {}) });
  });
  return out;
}

function bm25(tf: number, len: number, avg: number): number {
  const t = tf === 0 ? 0.5 : tf; // a nonessential modifier counts half
  return (t * (K1 + 1)) / (t + K1 * (1 - B + (B * len) / avg));
}

/** Largest BM25 term factor per term id (NaN until first asked): tf (K1 + 1) / (tf + norm) over the term's postings. */
const termPeaks = new WeakMap<SearchIndex, Float32Array>();

function termPeak(ix: SearchIndex, term: number): number {
  let peaks = termPeaks.get(ix);
  if (!peaks) termPeaks.set(ix, (peaks = new Float32Array(ix.termCount).fill(NaN)));
  let peak = peaks[term]!;
  if (Number.isNaN(peak)) {
    const norm = scratchOf(ix).normAcc;
    let best = 0;
    for (let p = ix.postStart[term]!; p < ix.postStart[term + 1]!; p++) {
      const tf = ix.postTf[p]! || 0.5;
      const v = (tf * (K1 + 1)) / (tf + norm[2 * ix.postEntry[p]!]!);
      if (v > best) best = v;
    }
    // Stored as float32: round up so the bound stays above every factor it stands for.
    peaks[term] = best * (1 + 1e-6);
    peak = peaks[term]!;
  }
  return peak;
}

/**
 * Most any document of an index can score for resolved terms (see rank): each
 * word adds at most its weight times its idf times the largest BM25 factor
 * its alternatives reach (over the entries of their postings), the query coverage is at most what the
 * terms with alternatives in this index cover, and the other factors are at
 * most their largest values. A system whose bound is below the scores
 * already found cannot place a hit.
 */
export function rankBound(ix: SearchIndex, terms: readonly QueryTerm[]): number {
  let totalIdf = 0;
  let score = 0;
  let covered = 0;
  for (const t of terms) {
    if (!t.optional) totalIdf += t.idf;
    // An entry may hold several alternatives of one word: their occurrences add up in one factor, which is
    // at most the sum of their peaks (the factor is concave in tf and 0 at 0) and never reaches K1 + 1.
    let w = 0;
    let peaks = 0;
    for (const a of t.alts) {
      if (a.weight > w) w = a.weight;
      peaks += termPeak(ix, a.term);
    }
    if (w === 0) continue;
    score += (t.optional ? 0.3 : 1) * w * t.idf * Math.min(K1 + 1, peaks);
    if (!t.optional) covered += t.idf * Math.min(1, w + 0.1);
  }
  if (totalIdf === 0) return 0;
  const qCover = Math.min(1, covered / totalIdf);
  const kindMax = Math.max(...KIND_WEIGHTS);
  return score * qCover * qCover * (1 + 0.12 + 0.05) * 1.25 * kindMax * BILLABLE_BOOST * (1 + 1e-6);
}

/** Whether document a ranks before document b: higher score, then lower id. */
const before = (score: Float32Array, a: number, b: number) => score[a]! > score[b]! || (score[a] === score[b] && a < b);

/**
 * Rank documents of one index for resolved query terms. Returns documents
 * with their best entry, best first.
 */
export function rank(ix: SearchIndex, terms: readonly QueryTerm[], opts: RankOptions): RankedDoc[] {
  let totalIdf = 0;
  for (const t of terms) if (!t.optional) totalIdf += t.idf;
  if (totalIdf === 0) return [];
  const s = scratchOf(ix);
  const avg = ix.header.avgLength;

  // First pass: accumulate the rarer terms first, within a budget of postings.
  const dfOf = (t: QueryTerm) => t.alts.reduce((n, a) => n + ix.df[a.term]!, 0);
  const matchable = terms.filter((t) => t.alts.length).sort((a, b) => dfOf(a) - dfOf(b));
  let budget = POSTING_BUDGET;
  let nTouched = 0;
  const { normAcc: na, touched } = s;
  const postEntry = ix.postEntry;
  const postTf = ix.postTf;
  for (let ti = 0; ti < matchable.length; ti++) {
    const t = matchable[ti]!;
    // Lists are in impact order: a term read in part still yields its best entries.
    const share = Math.max(MIN_PER_TERM, ti === 0 ? budget : Math.floor(budget / (matchable.length - ti)));
    const w0 = t.optional ? 0.3 : 1;
    for (const a of t.alts) {
      const from = ix.postStart[a.term]!;
      const to = Math.min(ix.postStart[a.term + 1]!, from + share);
      budget -= to - from;
      const w = w0 * a.weight * t.idf * (K1 + 1);
      for (let p = from; p < to; p++) {
        const e = postEntry[p]!;
        const tf = postTf[p]! || 0.5;
        const v = (w * tf) / (tf + na[2 * e]!);
        const before = na[2 * e + 1]!;
        if (before === 0) touched[nTouched++] = e;
        na[2 * e + 1] = before + v;
      }
    }
  }
  // Keep the best RESCORE candidates (a bounded min-heap on score, the scores beside it); clear the scores read.
  const heap = s.heap;
  const heapScore = s.heapScore;
  let size = 0;
  for (let i = 0; i < nTouched; i++) {
    const e = touched[i]!;
    const a = na[2 * e + 1]!;
    na[2 * e + 1] = 0;
    if (size < RESCORE) {
      heap[size] = e;
      heapScore[size] = a;
      let k = size++;
      while (k > 0) {
        const parent = (k - 1) >> 1;
        if (!(heapScore[k]! < heapScore[parent]!)) break;
        const x = heap[k]!;
        heap[k] = heap[parent]!;
        heap[parent] = x;
        const y = heapScore[k]!;
        heapScore[k] = heapScore[parent]!;
        heapScore[parent] = y;
        k = parent;
      }
    } else if (a > heapScore[0]!) {
      heap[0] = e;
      heapScore[0] = a;
      for (let k = 0; ; ) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < size && heapScore[l]! < heapScore[m]!) m = l;
        if (r < size && heapScore[r]! < heapScore[m]!) m = r;
        if (m === k) break;
        const x = heap[k]!;
        heap[k] = heap[m]!;
        heap[m] = x;
        const y = heapScore[k]!;
        heapScore[k] = heapScore[m]!;
        heapScore[m] = y;
        k = m;
      }
    }
  }

  // Second pass: full score of each candidate from its token list.
  const slot = s.termSlot;
  const slotWeight = s.termWeight;
  terms.forEach((t, i) => {
    for (const a of t.alts) if (slot[a.term] === -1) slot[a.term] = i;
  });
  // The weight of a term id is its alternative's in the query term it belongs to (a word typed twice counts once).
  terms.forEach((t, i) => {
    for (const a of t.alts) if (slot[a.term] === i) slotWeight[a.term] = a.weight;
  });
  const nTerms = terms.length;
  const bestW = new Float64Array(nTerms);
  const bestTf = new Int32Array(nTerms);
  const firstPos = new Int32Array(nTerms);
  let docCount = 0;
  const { docBest, docEntry, docTouched } = s;
  const toks = ix.toks;
  const optBit = ix.optionalBit;
  const termMask = ix.termMask;
  for (let h = 0; h < size; h++) {
    const e = heap[h]!;
    for (let i = 0; i < nTerms; i++) {
      bestW[i] = 0;
      bestTf[i] = 0;
      firstPos[i] = -1;
    }
    const from = ix.tokStart[e]!;
    const to = ix.tokStart[e + 1]!;
    const len = ix.entryLen[e]!;
    let entryMatched = 0;
    let pos = 0;
    for (let k = from; k < to; k++) {
      const raw = toks[k]!;
      const optional = (raw & optBit) !== 0;
      const id = raw & termMask;
      const q = slot[id]!;
      if (q >= 0) {
        const w = slotWeight[id]!;
        if (w > bestW[q]!) bestW[q] = w;
        if (!optional) {
          bestTf[q]!++;
          if (firstPos[q] === -1) firstPos[q] = pos;
          entryMatched++;
        }
      }
      if (!optional) pos++;
    }
    let score = 0;
    let covered = 0;
    let matchedTerms = 0;
    let inOrder = 0;
    let lastPos = -1;
    let minPos = 1 << 30;
    let maxPos = -1;
    for (let i = 0; i < nTerms; i++) {
      const w = bestW[i]!;
      if (w === 0) continue;
      const t = terms[i]!;
      score += (t.optional ? 0.3 : 1) * w * t.idf * bm25(bestTf[i]!, len, avg);
      if (!t.optional) covered += t.idf * Math.min(1, w + 0.1);
      const p = firstPos[i]!;
      if (p >= 0) {
        matchedTerms++;
        if (p > lastPos) inOrder++;
        lastPos = p;
        if (p < minPos) minPos = p;
        if (p > maxPos) maxPos = p;
      }
    }
    if (score === 0) continue;
    const qCover = Math.min(1, covered / totalIdf);
    const eCover = len ? Math.min(1, entryMatched / len) : 0;
    const span = maxPos >= minPos ? maxPos - minPos + 1 : 1;
    const proximity = matchedTerms > 1 ? matchedTerms / span : 1;
    const order = matchedTerms > 1 ? (inOrder - 1) / (matchedTerms - 1) : 1;
    let total = score * qCover * qCover * (0.55 + 0.45 * eCover) * (1 + 0.12 * proximity + 0.05 * order);
    if (qCover >= 0.999 && eCover >= 0.999) total *= 1.25;
    total *= KIND_WEIGHTS[ix.entryKind[e]!] ?? 1;
    const doc = ix.entryDoc[e]!;
    if (opts.billableOnly && !ix.billable(doc)) continue;
    if (opts.chapter !== undefined && ix.chapter(doc) !== opts.chapter) continue;
    if (ix.billable(doc)) total *= BILLABLE_BOOST;
    if (docEntry[doc] === -1) {
      docTouched[docCount++] = doc;
      docBest[doc] = total;
      docEntry[doc] = e;
    } else if (total > docBest[doc]!) {
      docBest[doc] = total;
      docEntry[doc] = e;
    }
  }
  for (const t of terms) for (const a of t.alts) slot[a.term] = -1;
  // The best `limit` documents, by insertion into a short sorted list (score, then document order).
  const top: number[] = [];
  const limit = Math.max(0, opts.limit);
  for (let i = 0; i < docCount && limit > 0; i++) {
    const doc = docTouched[i]!;
    let k: number;
    if (top.length < limit) {
      top.push(doc);
      k = top.length - 1;
    } else if (before(docBest, doc, top[limit - 1]!)) {
      k = limit - 1;
      top[k] = doc;
    } else continue;
    while (k > 0 && before(docBest, top[k]!, top[k - 1]!)) {
      const x = top[k]!;
      top[k] = top[k - 1]!;
      top[k - 1] = x;
      k--;
    }
  }
  const out: RankedDoc[] = top.map((doc) => ({ doc, entry: docEntry[doc]!, score: docBest[doc]! }));
  for (let i = 0; i < docCount; i++) docEntry[docTouched[i]!] = -1;
  return out;
}

/** Documents whose code starts with a prefix, in code order (the exact code first). */
export function codePrefix(ix: SearchIndex, prefix: string, opts: { limit: number; billableOnly?: boolean; chapter?: string }): number[] {
  const out: number[] = [];
  for (let i = ix.lowerBound(prefix); i < ix.docCount && ix.codeStartsWith(i, prefix) && out.length < opts.limit; i++) {
    if (opts.billableOnly && !ix.billable(i)) continue;
    if (opts.chapter !== undefined && ix.chapter(i) !== opts.chapter) continue;
    out.push(i);
  }
  return out;
}
