import type { QueryWord, RewrittenQuery } from './abbreviations.js';
import { ENTRY_KINDS, K1, termFactor, termSigHi, termSigLo, type EntryKind, type SearchIndex } from './search-index.js';
import { TopDocs } from './top-docs.js';
import { INSTRUCTION_WORDS, isLetterA, STOPWORDS } from './tokenize.js';

/**
 * Ranking over one release's search index. Entries are scored BM25-style
 * (short fields, so a mild length normalisation) with what BM25 misses: how
 * much of the query an entry covers and how much of the entry the query
 * covers, the order and closeness of the matched words, and an exact-phrase
 * bonus. A code scores by its best entry; billable codes get a boost. Bounds
 * on what unread entries can score let a query stop reading long posting
 * lists of common words (see rank).
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
const KIND_WEIGHTS = Float64Array.from(ENTRY_KINDS.map((k) => KIND_WEIGHT[k]));
const KIND_MAX = Math.max(...KIND_WEIGHTS);
const BILLABLE_BOOST = 1.12;
/** Largest factor of an entry's score beyond BM25, coverage and the exact-match bonus: proximity and order (see scoreEntry). */
const CLOSENESS_MAX = 1 + 0.12 + 0.05;
const EXACT_BONUS = 1.25;
/** Most query terms ranked (MAX_QUERY_WORDS required words and the optional words of expansions). */
const MAX_TERMS = 64;
/** Most results rank returns. */
export const MAX_LIMIT = 500;
/**
 * Entries whose score is bounded below this share of the best score found
 * are junk (they share only common words with the query): at most
 * JUNK_BUDGET postings of them are read, from the heads of their lists.
 */
const JUNK_SHARE = 0.05;
const JUNK_BUDGET = 500;
/**
 * Most entries one ranking scores in full, and most postings it reads: guards
 * for queries of many common words whose bar stays low (a system the query
 * hardly matches). Past them the answer is the best of what was read, the
 * rarest words' lists first, each from its head (impact order).
 */
const SCORE_BUDGET = 2_000;
const POSTING_BUDGET = 30_000;
/** Most alternatives of the words of one query (see resolveTerms: the word, completions, corrections). */
const MAX_ALTS = MAX_TERMS * 10;
/** Words (in reading order) whose presence an entry's bound takes from its signature; the words after them count as held by every entry. */
const SIG_WORDS = 31;

/** Scratch arrays per index, reused across queries (queries run one at a time). */
interface Scratch {
  /** Entries met by the ranking running, one bit each (small enough to stay in cache), and the list of them. */
  met: Int32Array;
  touched: Uint32Array;
  /** Query term of each term id (-1: none), and the weight of that alternative. */
  termSlot: Int32Array;
  termWeight: Float64Array;
  /** Per query term, while an entry is scored. */
  bestW: Float64Array;
  bestTf: Int32Array;
  firstPos: Int32Array;
  /** Per word in reading order: the most it and the words after it add to an entry's BM25 part and coverage. */
  restScore: Float64Array;
  restCover: Float64Array;
  /** The best documents found. */
  top: TopDocs;
  /** The BM25 factor of each (occurrences, length) pair below 256, at (tf << 8) | len (see termFactor). */
  factors: Float64Array;
  /** Per word in reading order, the most it adds to an entry's BM25 part and coverage. */
  wordScore: Float64Array;
  wordCover: Float64Array;
  /** Signature bits (as int32) of the alternatives of the query's first SIG_WORDS words, by word in reading order, each word's in its reading order. */
  altLo: Int32Array;
  altHi: Int32Array;
  /** Per word in reading order: where its alternatives start in altLo/altHi (one more place at the end). */
  altStart: Int32Array;
  /** Per alternative: its word's bit, weight (see termWeight) and most added coverage. */
  altBit: Int32Array;
  altWeight: Float64Array;
  altCover: Float64Array;
  /** The score scoreEntry computed last. */
  scored: Float64Array;
}
const scratches = new WeakMap<SearchIndex, Scratch>();

function scratchOf(ix: SearchIndex): Scratch {
  let s = scratches.get(ix);
  if (!s) {
    s = {
      met: new Int32Array((ix.entryCount >>> 5) + 1),
      touched: new Uint32Array(ix.entryCount),
      termSlot: new Int32Array(ix.termCount).fill(-1),
      termWeight: new Float64Array(ix.termCount),
      bestW: new Float64Array(MAX_TERMS),
      bestTf: new Int32Array(MAX_TERMS),
      firstPos: new Int32Array(MAX_TERMS),
      restScore: new Float64Array(MAX_TERMS + 1),
      restCover: new Float64Array(MAX_TERMS + 1),
      top: new TopDocs(ix.docCount, MAX_LIMIT),
      factors: factorTable(ix.header.avgLength),
      wordScore: new Float64Array(MAX_TERMS),
      wordCover: new Float64Array(MAX_TERMS),
      altLo: new Int32Array(MAX_ALTS),
      altHi: new Int32Array(MAX_ALTS),
      altStart: new Int32Array(MAX_TERMS + 1),
      altBit: new Int32Array(MAX_ALTS),
      altWeight: new Float64Array(MAX_ALTS),
      altCover: new Float64Array(MAX_ALTS),
      scored: new Float64Array(1),
    };
    scratches.set(ix, s);
  }
  return s;
}

/** The BM25 factor of each (occurrences, length) pair below 256, at (tf << 8) | len. */
function factorTable(avg: number): Float64Array {
  const table = new Float64Array(1 << 16);
  for (let tf = 0; tf < 256; tf++) for (let len = 0; len < 256; len++) table[(tf << 8) | len] = termFactor(tf, len, avg);
  return table;
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
  // Instruction words (NEC, NOS) have no tokens in the index (see search-index.ts): nothing to match or correct.
  const words: QueryWord[] = [];
  q.words.forEach((w, k) => {
    if (INSTRUCTION_WORDS.has(w.word) || words.length >= MAX_TERMS) return;
    if (!STOPWORDS.has(w.word) || isLetterA(q.words, k, ix.letterALeads)) words.push(w);
  });
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const alts: TermAlternative[] = [];
    const exact = ix.termOfWord(w.word);
    addAlternative(alts, exact, 1);
    let replacedBy: string | undefined;
    const last = i === words.length - 1 && prefixLast && !w.optional;
    const elsewhere = exact < 0 && knownElsewhere?.has(w.word) === true;
    if (last && !elsewhere && w.word.length >= 2 && ix.word(w.word) < 0) {
      const done = ix.completions(w.word, 6);
      for (const id of done) addAlternative(alts, ix.wordTerm[id]!, 0.85);
      if (done.length && exact < 0) replacedBy = `${ix.wordAt(done[0]!)}…`;
    }
    // A word an expansion replaced is not corrected: the expansion says what it meant ("strep" is "streptococcal", not "step").
    if (alts.length === 0 && !elsewhere && !w.optional && !/[0-9]/.test(w.word)) {
      const fixes = ix.corrections(w.word, 3);
      for (const f of fixes) addAlternative(alts, ix.wordTerm[f.id]!, f.distance === 1 ? 0.8 : 0.6);
      if (fixes.length) replacedBy = ix.wordAt(fixes[0]!.id);
    }
    let idf = 0;
    for (const a of alts) idf = Math.max(idf, idfOf(ix, ix.df[a.term]!));
    if (alts.length === 0) idf = idfOf(ix, 1);
    const term: QueryTerm = { surface: w.word, alts, optional: w.optional, idf };
    if (replacedBy) term.replacedBy = replacedBy;
    out.push(term);
  }
  return out;
}

/** Add a term to a word's alternatives, or raise its weight when it is there already (-1: no term). */
function addAlternative(alts: TermAlternative[], term: number, weight: number): void {
  if (term < 0) return;
  for (const a of alts) {
    if (a.term === term) {
      a.weight = Math.max(a.weight, weight);
      return;
    }
  }
  alts.push({ term, weight });
}

/** Largest BM25 factor of a term over its postings: its first posting's (postings are in factor order). */
function termPeak(ix: SearchIndex, term: number): number {
  const p = ix.postStart[term]!;
  if (p === ix.postStart[term + 1]) return 0;
  return termFactor(ix.postTf[p]!, ix.postLen[p]!, ix.header.avgLength);
}

/** The weight of a query term's BM25 part: its best alternative's weight, its idf, less for an optional word. */
function termWeight(t: QueryTerm): number {
  let w = 0;
  for (const a of t.alts) if (a.weight > w) w = a.weight;
  return (t.optional ? 0.3 : 1) * w * t.idf;
}

/**
 * Most a query term adds to the BM25 part of an entry's score when the
 * factors of the alternatives the entry holds sum to at most `factors`: an
 * entry may hold several alternatives of one word, whose occurrences add up
 * in one factor, which is at most the sum of theirs (the factor is concave
 * in tf and 0 at 0) and never reaches K1 + 1.
 */
function termScoreBound(t: QueryTerm, factors: number): number {
  return termWeight(t) * Math.min(K1 + 1, factors);
}

/** Most a query term adds to the query coverage of an entry. */
function termCoverBound(t: QueryTerm): number {
  if (t.optional) return 0;
  let w = 0;
  for (const a of t.alts) if (a.weight > w) w = a.weight;
  return w === 0 ? 0 : t.idf * Math.min(1, w + 0.1);
}

/**
 * What bounds an entry's score beyond its BM25 part (see scoreEntry), when
 * the words it holds cover at most `cover` of the query: the coverage
 * squared, the other factors at their largest, the exact-match bonus only
 * when the coverage allows it.
 */
function coverBound(cover: number, totalIdf: number): number {
  const q = Math.min(1, cover / totalIdf);
  return q * q * CLOSENESS_MAX * (q >= 0.999 ? EXACT_BONUS : 1) * KIND_MAX * BILLABLE_BOOST * (1 + 1e-9);
}

/**
 * Most any document of an index can score for resolved terms (see rank):
 * every word at its largest BM25 factor. A system whose bound is below the
 * scores already found cannot place a hit.
 */
export function rankBound(ix: SearchIndex, terms: readonly QueryTerm[]): number {
  let totalIdf = 0;
  let score = 0;
  let cover = 0;
  for (const t of terms) {
    if (!t.optional) totalIdf += t.idf;
    let peaks = 0;
    for (const a of t.alts) peaks += termPeak(ix, a.term);
    score += termScoreBound(t, peaks);
    cover += termCoverBound(t);
  }
  if (totalIdf === 0) return 0;
  return score * coverBound(cover, totalIdf);
}

/**
 * The score of one entry for a query: BM25 over the query's words (the best
 * alternative of each word, its occurrences counted together), times the
 * square of how much of the query the entry covers, how much of the entry the
 * query covers, the order and closeness of the matched words, an exact-phrase
 * bonus, the weight of where the entry comes from and the billable boost.
 * Term slots must be set (see rank). The score is left in s.scored[0] (a number
 * returned from a call that is not inlined would be boxed on the heap).
 */
function scoreEntry(ix: SearchIndex, s: Scratch, terms: readonly QueryTerm[], totalIdf: number, e: number): void {
  const nTerms = terms.length;
  const { bestW, bestTf, firstPos, termSlot: slot, termWeight: slotWeight } = s;
  for (let i = 0; i < nTerms; i++) {
    bestW[i] = 0;
    bestTf[i] = 0;
    firstPos[i] = -1;
  }
  const toks = ix.toks;
  const optBit = ix.optionalBit;
  const termMask = ix.termMask;
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
  const avg = ix.header.avgLength;
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
    score += (t.optional ? 0.3 : 1) * w * t.idf * termFactor(bestTf[i]!, len, avg);
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
  // (One store of the score on every path: a store first reached late would send optimized code back to the interpreter.)
  let total = 0;
  if (score !== 0 && covered !== 0) {
    const qCover = Math.min(1, covered / totalIdf);
    const eCover = len ? Math.min(1, entryMatched / len) : 0;
    const span = maxPos >= minPos ? maxPos - minPos + 1 : 1;
    const proximity = matchedTerms > 1 ? matchedTerms / span : 1;
    const order = matchedTerms > 1 ? (inOrder - 1) / (matchedTerms - 1) : 1;
    total = score * qCover * qCover * (0.55 + 0.45 * eCover) * (1 + 0.12 * proximity + 0.05 * order);
    if (qCover >= 0.999 && eCover >= 0.999) total *= EXACT_BONUS;
    total *= KIND_WEIGHTS[ix.entryKind[e]!] ?? 1;
    if (ix.billable(ix.entryDoc[e]!)) total *= BILLABLE_BOOST;
  }
  s.scored[0] = total;
}

/**
 * Rank documents of one index for resolved query terms: the documents of the
 * `limit` best entry scores (a document scores by its best entry, see
 * scoreEntry), best first; with `floor`, documents scoring below it may be
 * left out.
 *
 * The words' posting lists are read rarest word first. An entry first met in
 * a word's list holds none of the words before it (or was passed over there,
 * its bound below the bar then), so the words left bound what a new entry
 * can score: a list is left as soon as that bound, with the current
 * posting's factor (lists are in factor order, so it bounds the rest of the
 * list), falls below the bar, the limit-th best document so far; the ranking
 * ends when the words left cannot lift a new entry over it.
 *
 * An entry met is bounded by the words of those left that its signature
 * (see termSignature) may hold, each at the factor its
 * length and repeats allow, its entry coverage from the words held, its kind
 * and billable boost; it is scored in full (from its own tokens) only when
 * that bound passes the bar. So the bar is an exact score from the first list
 * on, and an entry that shares only common words with the query costs a look
 * at its signature. A posting whose signature lacks a word that no new entry
 * can pass the bar without is passed over first.
 *
 * The answer is the one scoring every entry gives, for every document scoring
 * at least JUNK_SHARE of the best; below that (entries sharing only common
 * words with the query), and past SCORE_BUDGET or POSTING_BUDGET, it is the
 * best of what was read.
 */
export function rank(ix: SearchIndex, terms: readonly QueryTerm[], opts: RankOptions & { floor?: number }): RankedDoc[] {
  let totalIdf = 0;
  for (const t of terms) if (!t.optional) totalIdf += t.idf;
  const limit = Math.min(MAX_LIMIT, Math.max(0, Math.floor(opts.limit)));
  if (totalIdf === 0 || limit === 0 || terms.length > MAX_TERMS) return [];
  const s = scratchOf(ix);

  // Term slots: the query term of each term id (a word typed twice counts once), and that alternative's weight.
  const slot = s.termSlot;
  const slotWeight = s.termWeight;
  terms.forEach((t, i) => {
    for (const a of t.alts) if (slot[a.term] === -1) slot[a.term] = i;
  });
  terms.forEach((t, i) => {
    for (const a of t.alts) if (slot[a.term] === i) slotWeight[a.term] = a.weight;
  });

  // Words with postings of their own, rarest first, with what each and those after it can add.
  // Short lists of a word first, so that an entry met in its long list holds none of the short ones' alternatives.
  // (Insertion sorts, stable as Array.prototype.sort is: a query has few words and a word few alternatives.)
  const order: Array<{ t: QueryTerm; alts: readonly TermAlternative[]; df: number }> = [];
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    let alts: readonly TermAlternative[] = t.alts;
    // A word's own alternatives: all of them, unless one belongs to an earlier word (then a copy without it).
    if (alts.some((a) => slot[a.term] !== i) || alts.length > 1) {
      const mine: TermAlternative[] = [];
      for (const a of t.alts) {
        if (slot[a.term] !== i) continue;
        let k = mine.length;
        while (k > 0 && ix.df[mine[k - 1]!.term]! > ix.df[a.term]!) k--;
        mine.splice(k, 0, a);
      }
      alts = mine;
    }
    if (alts.length === 0) continue;
    let df = 0;
    for (const a of alts) df += ix.df[a.term]!;
    let k = order.length;
    while (k > 0 && order[k - 1]!.df > df) k--;
    order.splice(k, 0, { t, alts, df });
  }
  const n = order.length;
  const { restScore, restCover, wordScore, wordCover, altLo, altHi, altStart, altBit, altWeight, altCover } = s;
  restScore[n] = 0;
  restCover[n] = 0;
  for (let j = n - 1; j >= 0; j--) {
    const { t, alts } = order[j]!;
    let peaks = 0;
    for (const a of alts) peaks += termPeak(ix, a.term);
    wordScore[j] = termScoreBound(t, peaks);
    wordCover[j] = termCoverBound(t);
    restScore[j] = restScore[j + 1]! + wordScore[j]!;
    restCover[j] = restCover[j + 1]! + wordCover[j]!;
  }
  // Signatures of the first SIG_WORDS words' alternatives; the words after them count as held by every entry.
  const sigWords = Math.min(n, SIG_WORDS);
  let nAlts = 0;
  for (let j = 0; j < sigWords; j++) {
    altStart[j] = nAlts;
    const { t, alts } = order[j]!;
    for (const a of alts) {
      altLo[nAlts] = termSigLo(a.term) | 0;
      altHi[nAlts] = termSigHi(a.term) | 0;
      altBit[nAlts] = 1 << j;
      altWeight[nAlts] = termWeight(t);
      altCover[nAlts++] = wordCover[j]!;
    }
  }
  altStart[sigWords] = nAlts;
  let heldScore = 0;
  let heldCover = 0;
  let heldAlts = 0;
  for (let j = sigWords; j < n; j++) {
    heldScore += wordScore[j]!;
    heldCover += wordCover[j]!;
    heldAlts += order[j]!.alts.length;
  }

  const { met, touched, top, factors } = s;
  const postEntry = ix.postEntry;
  const postStart = ix.postStart;
  const postTf = ix.postTf;
  const postLen = ix.postLen;
  const entrySig = ix.entrySig;
  const entryDoc = ix.entryDoc;
  const entryKind = ix.entryKind;
  const docFlags = ix.docFlags;
  const floor = opts.floor ?? 0;
  const filtered = opts.billableOnly === true || opts.chapter !== undefined;
  top.reset(limit);
  let nTouched = 0;
  let best = 0;
  let junkLeft = JUNK_BUDGET;
  let scoresLeft = SCORE_BUDGET;
  let postingsLeft = POSTING_BUDGET;
  // What an entry must reach to matter: the floor, or the limit-th best document once there are that many.
  let bar = floor;

  lists: for (let j = 0; j < n; j++) {
    const { t, alts } = order[j]!;
    const coverJ = coverBound(restCover[j]!, totalIdf);
    // Every entry not met yet holds only this word and those after it: none can pass the bar, here or later.
    const restBound = restScore[j]! * coverJ;
    if (restBound <= 0 || restBound < bar) break;
    const junk = restBound < JUNK_SHARE * best;
    if (junk && junkLeft <= 0) break;
    const tw = termWeight(t);
    const scoreAfter = restScore[j + 1]!;
    const coverHere = wordCover[j]!;
    const jumpTo = j + 1 < sigWords ? altStart[j + 1]! : nAlts;
    for (let ai = 0; ai < alts.length; ai++) {
      const alt = alts[ai]!;
      // Alternatives of this word read after this one may be in an entry too.
      let peaksAfter = 0;
      for (let b = ai + 1; b < alts.length; b++) peaksAfter += termPeak(ix, alts[b]!.term);
      const laterFrom = j < sigWords ? altStart[j]! + ai + 1 : 0;
      const laterTo = j < sigWords ? jumpTo : 0;
      // The list is left where the posting's factor, with every word after it at its largest, cannot reach the
      // bar (or the junk share of the best, junk read up): recomputed when the bar or the best moves.
      let seenBar = -1;
      let seenBest = -1;
      let leave = 0;
      let junkBelow = 0;
      // The signature bits of the words a new entry cannot pass the bar without (single-alternative words).
      let mustLo = 0;
      let mustHi = 0;
      const end = postStart[alt.term + 1]!;
      for (let p = postStart[alt.term]!; p < end; p++) {
        if (--postingsLeft < 0) break lists;
        const e = postEntry[p]!;
        const word = e >>> 5;
        const bit = 1 << (e & 31);
        if ((met[word]! & bit) !== 0) continue;
        if (bar !== seenBar || best !== seenBest) {
          seenBar = bar;
          seenBest = best;
          // (A hair lower, so that rounding never leaves a list early.)
          leave = ((bar / coverJ - scoreAfter) / tw - peaksAfter) * (1 - 1e-9);
          junkBelow = junk ? (((JUNK_SHARE * best) / coverJ - scoreAfter) / tw - peaksAfter) * (1 - 1e-9) : -Infinity;
          mustLo = 0;
          mustHi = 0;
          for (let k = j + 1; k < sigWords; k++) {
            const a = altStart[k]!;
            if (altStart[k + 1] !== a + 1) continue;
            if ((restScore[j]! - wordScore[k]!) * coverBound(restCover[j]! - wordCover[k]!, totalIdf) < bar) {
              mustLo |= altLo[a]!;
              mustHi |= altHi[a]!;
            }
          }
        }
        const len = postLen[p]!;
        const factor = factors[(postTf[p]! << 8) | len]!;
        if (factor < leave) break;
        if (factor < junkBelow && junkLeft-- <= 0) break;
        const nlo = ~entrySig[2 * e]!;
        const hi = entrySig[2 * e + 1]!;
        const nhi = ~hi;
        if (((mustLo & nlo) | (mustHi & nhi)) !== 0) continue;
        met[word] = met[word]! | bit;
        touched[nTouched++] = e;
        // This entry's bound: the words its signature may hold (words read before left out: an entry that holds
        // one was passed over in its list, its bound below the bar then), each term at most 1 + repeats times in it.
        let later = 0;
        for (let a = laterFrom; a < laterTo; a++) if (((altLo[a]! & nlo) | (altHi[a]! & nhi)) === 0) later++;
        let held = 0;
        let heldHere = heldAlts + 1 + later;
        let weights = 0;
        let cv = heldCover + coverHere;
        for (let a = jumpTo; a < nAlts; a++) {
          if (((altLo[a]! & nlo) | (altHi[a]! & nhi)) !== 0) continue;
          heldHere++;
          weights += altWeight[a]!;
          const wb = altBit[a]!;
          if ((held & wb) === 0) {
            held |= wb;
            cv += altCover[a]!;
          }
        }
        // Repeats 3 stands for three or more: at most the entry's length.
        const rep = hi >>> 30 < 3 ? hi >>> 30 : len;
        const most = factors[(Math.min(255, 1 + rep) << 8) | len]!;
        const sc = heldScore + tw * Math.min(K1 + 1, factor + later * most) + weights * most;
        const q = Math.min(1, cv / totalIdf);
        const ec = len ? Math.min(1, (rep + heldHere) / len) : 0;
        let own = sc * q * q * (0.55 + 0.45 * ec) * CLOSENESS_MAX * (1 + 1e-9);
        if (q >= 0.999 * (1 - 1e-9) && ec >= 0.999) own *= EXACT_BONUS;
        if (own * KIND_MAX * BILLABLE_BOOST < bar) continue;
        const doc = entryDoc[e]!;
        own *= KIND_WEIGHTS[entryKind[e]!]! * ((docFlags[doc]! & 1) === 1 ? BILLABLE_BOOST : 1);
        if (own < bar || (filtered && !passes(ix, doc, opts))) continue;
        scoreEntry(ix, s, terms, totalIdf, e);
        const score = s.scored[0]!;
        if (score > 0) {
          if (score > best) best = score;
          top.offer(doc, e, score);
          const weakest = top.weakest();
          if (weakest >= 0 && top.score[weakest]! > bar) bar = top.score[weakest]!;
        }
        if (--scoresLeft <= 0) break lists;
      }
    }
  }

  for (let i = 0; i < nTouched; i++) met[touched[i]! >>> 5] = 0;
  for (const t of terms) for (const a of t.alts) slot[a.term] = -1;
  return top.sorted();
}

/** Whether a document passes a ranking's filters (billable only, chapter). */
function passes(ix: SearchIndex, doc: number, opts: RankOptions): boolean {
  return (!opts.billableOnly || (ix.docFlags[doc]! & 1) === 1) && (opts.chapter === undefined || ix.chapter(doc) === opts.chapter);
}

/** The score of one entry for resolved query terms: what rank orders entries by (a document scores by its best entry). */
export function entryScore(ix: SearchIndex, terms: readonly QueryTerm[], entry: number): number {
  let totalIdf = 0;
  for (const t of terms) if (!t.optional) totalIdf += t.idf;
  if (totalIdf === 0 || terms.length > MAX_TERMS) return 0;
  const s = scratchOf(ix);
  terms.forEach((t, i) => {
    for (const a of t.alts) if (s.termSlot[a.term] === -1) s.termSlot[a.term] = i;
  });
  terms.forEach((t, i) => {
    for (const a of t.alts) if (s.termSlot[a.term] === i) s.termWeight[a.term] = a.weight;
  });
  scoreEntry(ix, s, terms, totalIdf, entry);
  const score = s.scored[0]!;
  for (const t of terms) for (const a of t.alts) s.termSlot[a.term] = -1;
  return score;
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
