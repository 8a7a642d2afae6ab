import type { RewrittenQuery } from './abbreviations.js';
import { stem } from './stem.js';
import { ENTRY_KINDS, K1, termFactor, type EntryKind, type SearchIndex } from './search-index.js';
import { TopDocs } from './top-docs.js';
import { INSTRUCTION_WORDS, STOPWORDS } from './tokenize.js';

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
 * JUNK_BUDGET of them are read, from the heads of their lists.
 */
const JUNK_SHARE = 0.05;
const JUNK_BUDGET = 500;
/**
 * Most postings one ranking reads, and most entries it scores in full: a
 * guard for queries of many common words, whose bounds stop late. Past them
 * the answer is the best of the heads of the lists (impact order).
 */
const POSTING_BUDGET = 8_000;
const SCORE_BUDGET = 200;
/**
 * Once no new entry can matter, a word's list is still read for the entries
 * already met when it is at most this many times their number; a longer list
 * is left unread and those entries are scored in full instead.
 */
const AND_READ_RATIO = 12;

/** Scratch arrays per index, reused across queries (queries run one at a time). */
interface Scratch {
  /**
   * Accumulators, four 32-bit slots per entry over one buffer: [4e] the BM25 part of the score from the
   * words folded in, [4e + 1] their query coverage, [4e + 2] the best weight of the pending word (the
   * last word met, whose alternatives may still come), [4e + 3] (as int) the pending word's order + 1
   * (0: entry not met), its occurrences << 8, the entry's matched occurrences << 16.
   */
  accF: Float32Array;
  accI: Int32Array;
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
  /** Lower bounds of document scores while lists are read, then exact scores. */
  lower: TopDocs;
  top: TopDocs;
  /** Entries to score in full, by upper bound: a max-heap. */
  candEntry: Int32Array;
  candBound: Float64Array;
}
const scratches = new WeakMap<SearchIndex, Scratch>();

function scratchOf(ix: SearchIndex): Scratch {
  let s = scratches.get(ix);
  if (!s) {
    const acc = new ArrayBuffer(16 * ix.entryCount);
    s = {
      accF: new Float32Array(acc),
      accI: new Int32Array(acc),
      met: new Int32Array((ix.entryCount >>> 5) + 1),
      touched: new Uint32Array(ix.entryCount),
      termSlot: new Int32Array(ix.termCount).fill(-1),
      termWeight: new Float64Array(ix.termCount),
      bestW: new Float64Array(MAX_TERMS),
      bestTf: new Int32Array(MAX_TERMS),
      firstPos: new Int32Array(MAX_TERMS),
      lower: new TopDocs(ix.docCount, MAX_LIMIT),
      top: new TopDocs(ix.docCount, MAX_LIMIT),
      candEntry: new Int32Array(ix.entryCount),
      candBound: new Float64Array(ix.entryCount),
    };
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
  // Instruction words (NEC, NOS) have no tokens in the index (see search-index.ts): nothing to match or correct.
  const words = q.words.filter((w) => !STOPWORDS.has(w.word) && !INSTRUCTION_WORDS.has(w.word)).slice(0, MAX_TERMS);
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
 * Term slots must be set (see rank).
 */
function scoreEntry(ix: SearchIndex, s: Scratch, terms: readonly QueryTerm[], totalIdf: number, e: number): number {
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
  if (score === 0 || covered === 0) return 0;
  const qCover = Math.min(1, covered / totalIdf);
  const eCover = len ? Math.min(1, entryMatched / len) : 0;
  const span = maxPos >= minPos ? maxPos - minPos + 1 : 1;
  const proximity = matchedTerms > 1 ? matchedTerms / span : 1;
  const order = matchedTerms > 1 ? (inOrder - 1) / (matchedTerms - 1) : 1;
  let total = score * qCover * qCover * (0.55 + 0.45 * eCover) * (1 + 0.12 * proximity + 0.05 * order);
  if (qCover >= 0.999 && eCover >= 0.999) total *= EXACT_BONUS;
  total *= KIND_WEIGHTS[ix.entryKind[e]!] ?? 1;
  if (ix.billable(ix.entryDoc[e]!)) total *= BILLABLE_BOOST;
  return total;
}

/**
 * Rank documents of one index for resolved query terms: the documents of the
 * `limit` best entry scores (a document scores by its best entry, see
 * scoreEntry), best first; with `floor`, documents scoring below it may be
 * left out.
 *
 * First the words' posting lists are read, rarest word first, into per-entry
 * accumulators that hold all of an entry's score but the closeness of its
 * words: enough for a lower and an upper bound of its score. The lower bounds
 * keep a running bar (the limit-th best document), and reading stops taking
 * new entries once the words left cannot lift an entry not yet met over the
 * bar (an unmet entry holds none of the words read; within a list, the
 * current posting's factor bounds the rest, lists being in factor order).
 * Lists of words whose entries can no longer matter are read only for the
 * entries met. Then the entries whose upper bound passes the bar are scored
 * in full, highest bound first, until the bound falls below the bar.
 *
 * The answer is the one scoring every entry gives, for every document scoring
 * at least JUNK_SHARE of the best; below that (entries sharing only common
 * words with the query), and past POSTING_BUDGET or SCORE_BUDGET, it is the
 * best of the heads of the lists.
 */
export function rank(ix: SearchIndex, terms: readonly QueryTerm[], opts: RankOptions & { floor?: number }): RankedDoc[] {
  let totalIdf = 0;
  for (const t of terms) if (!t.optional) totalIdf += t.idf;
  const limit = Math.min(MAX_LIMIT, Math.max(0, Math.floor(opts.limit)));
  if (totalIdf === 0 || limit === 0 || terms.length > MAX_TERMS) return [];
  const s = scratchOf(ix);
  const avg = ix.header.avgLength;

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
  // An entry met through a word's short lists holds none of its long list's alternatives but the ones read before:
  // short lists first, so the long list (read last) has nothing after it in the bound.
  const own = (i: number) => terms[i]!.alts.filter((a) => slot[a.term] === i).sort((a, b) => ix.df[a.term]! - ix.df[b.term]!);
  const order: Array<{ t: QueryTerm; alts: TermAlternative[]; df: number }> = [];
  terms.forEach((t, i) => {
    const alts = own(i);
    if (alts.length) order.push({ t, alts, df: alts.reduce((n, a) => n + ix.df[a.term]!, 0) });
  });
  order.sort((a, b) => a.df - b.df);
  const n = order.length;
  const restScore = new Float64Array(n + 1);
  const restCover = new Float64Array(n + 1);
  const cw = new Float64Array(n);
  const cv = new Float64Array(n);
  for (let j = n - 1; j >= 0; j--) {
    const { t, alts } = order[j]!;
    let peaks = 0;
    for (const a of alts) peaks += termPeak(ix, a.term);
    restScore[j] = restScore[j + 1]! + termScoreBound(t, peaks);
    restCover[j] = restCover[j + 1]! + termCoverBound(t);
    cw[j] = (t.optional ? 0.3 : 1) * t.idf;
    cv[j] = t.optional ? 0 : t.idf;
  }

  const { accF, accI, met, touched, lower, top } = s;
  const postEntry = ix.postEntry;
  const postTf = ix.postTf;
  const postLen = ix.postLen;
  const entryLen = ix.entryLen;
  const entryDoc = ix.entryDoc;
  const entryKind = ix.entryKind;
  const docFlags = ix.docFlags;
  const floor = opts.floor ?? 0;
  const filtered = opts.billableOnly === true || opts.chapter !== undefined;
  const passes = (doc: number) => (!opts.billableOnly || (docFlags[doc]! & 1) === 1) && (opts.chapter === undefined || ix.chapter(doc) === opts.chapter);
  lower.reset(limit);
  let nTouched = 0;
  let best = 0;
  let junkLeft = JUNK_BUDGET;
  let postingsLeft = POSTING_BUDGET;
  // Words not read (in full): what they may add to any entry met.
  let unreadScore = 0;
  let unreadCover = 0;
  // What an entry must reach to matter: the floor, or the limit-th lower bound once there are that many.
  let bar = floor;
  let lowerBar = -Infinity;

  for (let j = 0; j < n; j++) {
    const { t, alts } = order[j]!;
    const coverJ = coverBound(restCover[j]!, totalIdf);
    const restBound = restScore[j]! * coverJ;
    // New entries may still matter (every new entry holds only this word and those after it)?
    let open = restBound > 0 && restBound >= bar;
    const junk = open && restBound < JUNK_SHARE * best;
    if (junk && junkLeft <= 0) open = false;
    if ((!open && order[j]!.df > AND_READ_RATIO * nTouched) || postingsLeft <= 0) {
      // Too long to read for the entries met: it counts at its largest for each of them.
      unreadScore += restScore[j]! - restScore[j + 1]!;
      unreadCover += restCover[j]! - restCover[j + 1]!;
      continue;
    }
    const tw = termWeight(t);
    const cwj = cw[j]!;
    const cvj = cv[j]!;
    const mark = j + 1;
    const scoreAfter = restScore[j + 1]!;
    const bonusJ = Math.min(1, restCover[j]! / totalIdf) >= 0.999;
    for (let ai = 0; ai < alts.length; ai++) {
      const alt = alts[ai]!;
      const wa = alt.weight;
      // Alternatives of this word read after this one may be in an entry too.
      let peaksAfter = 0;
      for (let b = ai + 1; b < alts.length; b++) peaksAfter += termPeak(ix, alts[b]!.term);
      // With nothing after, a new entry holds this alternative only: its share of the entry is known.
      const alone = scoreAfter === 0 && peaksAfter === 0;
      const from = ix.postStart[alt.term]!;
      const end = ix.postStart[alt.term + 1]!;
      const to = Math.min(end, from + postingsLeft);
      let openHere = open;
      let p = from;
      for (; p < to; p++) {
        const e = postEntry[p]!;
        const bit = 1 << (e & 31);
        const word = e >>> 5;
        const o = e << 2;
        const tf = postTf[p]!;
        let info: number;
        if ((met[word]! & bit) === 0) {
          if (!openHere) continue;
          const len = postLen[p]!;
          // The most a new entry here, and every one after it in the list, can score.
          const f = termFactor(tf, len, avg);
          let bound = (scoreAfter + tw * Math.min(K1 + 1, f + peaksAfter)) * coverJ;
          if (bound < bar || (junk && junkLeft <= 0)) {
            openHere = false;
            if (to - p > AND_READ_RATIO * nTouched) {
              // The rest of the list counts at its largest for the entries met.
              unreadScore += bound / coverJ - scoreAfter;
              unreadCover += termCoverBound(t);
              break;
            }
            continue;
          }
          if (alone) {
            // This entry's own bound, its share of the entry known (the list's bound still holds for those after it).
            const ec = len ? Math.min(1, tf / len) : 0;
            let own = cwj * wa * f * coverJ * (0.55 + 0.45 * ec);
            if (bonusJ && ec < 0.999) own /= EXACT_BONUS;
            if (own < bar) continue;
          }
          if (junk) junkLeft--;
          met[word] = met[word]! | bit;
          touched[nTouched++] = e;
          accF[o] = 0;
          accF[o + 1] = 0;
          accF[o + 2] = wa;
          info = mark | (Math.min(255, tf) << 8) | (Math.min(0x7fff, tf) << 16);
        } else {
          info = accI[o + 3]!;
          if ((info & 255) === mark) {
            // Another alternative of the pending word.
            if (wa > accF[o + 2]!) accF[o + 2] = wa;
            const pendTf = Math.min(255, ((info >>> 8) & 255) + tf);
            const matched = Math.min(0x7fff, (info >>> 16) + tf);
            info = mark | (pendTf << 8) | (matched << 16);
          } else {
            // Fold the pending word into the entry's sums; this word is pending now.
            const k = (info & 255) - 1;
            const w = accF[o + 2]!;
            accF[o] = accF[o]! + cw[k]! * w * termFactor((info >>> 8) & 255, postLen[p]!, avg);
            accF[o + 1] = accF[o + 1]! + cv[k]! * Math.min(1, w + 0.1);
            accF[o + 2] = wa;
            const matched = Math.min(0x7fff, (info >>> 16) + tf);
            info = mark | (Math.min(255, tf) << 8) | (matched << 16);
          }
        }
        accI[o + 3] = info;
        // The entry's score is at least what the words met give it (closeness at its least).
        const len = postLen[p]!;
        const w = accF[o + 2]!;
        const sc = accF[o]! + cwj * w * termFactor((info >>> 8) & 255, len, avg);
        const q = Math.min(1, (accF[o + 1]! + cvj * Math.min(1, w + 0.1)) / totalIdf);
        const ec = len ? Math.min(1, (info >>> 16) / len) : 0;
        let low = sc * q * q * (0.55 + 0.45 * ec) * (1 - 1e-6);
        // (The sums are float32: the bonus is counted only where rounding cannot have brought it.)
        if (q >= 0.999 * (1 + 1e-6) && ec >= 0.999) low *= EXACT_BONUS;
        if (low * KIND_MAX * BILLABLE_BOOST <= lowerBar) continue;
        const doc = entryDoc[e]!;
        if (filtered && !passes(doc)) continue;
        low *= KIND_WEIGHTS[entryKind[e]!]!;
        if ((docFlags[doc]! & 1) === 1) low *= BILLABLE_BOOST;
        if (low <= lowerBar) continue;
        if (low > best) best = low;
        lower.offer(doc, e, low);
        if (lower.full) {
          lowerBar = lower.bar;
          if (lowerBar > bar) bar = lowerBar;
        }
      }
      postingsLeft -= p - from;
      if (p === to && to < end) {
        // The budget ran out: the rest of this list, and the alternatives after it, count at their largest.
        const rest = termFactor(postTf[p]!, postLen[p]!, avg);
        unreadScore += tw * Math.min(K1 + 1, rest + peaksAfter);
        unreadCover += termCoverBound(t);
        break;
      }
    }
  }

  // Entries whose upper bound passes the bar, into a max-heap by bound; accumulators cleared.
  const { candEntry, candBound } = s;
  let nCand = 0;
  const bar0 = bar;
  const ecUnknown = unreadScore > 0 || unreadCover > 0;
  for (let i = 0; i < nTouched; i++) {
    const e = touched[i]!;
    const o = e << 2;
    const info = accI[o + 3]!;
    met[e >>> 5] = 0;
    const len = entryLen[e]!;
    const k = (info & 255) - 1;
    const w = accF[o + 2]!;
    const sc = accF[o]! + cw[k]! * w * termFactor((info >>> 8) & 255, len, avg) + unreadScore;
    const q = Math.min(1, (accF[o + 1]! + cv[k]! * Math.min(1, w + 0.1) + unreadCover) / totalIdf);
    const ec = ecUnknown ? 1 : len ? Math.min(1, (info >>> 16) / len) : 0;
    let high = sc * q * q * (0.55 + 0.45 * ec) * CLOSENESS_MAX * (1 + 1e-6);
    if (q >= 0.999 * (1 - 1e-6) && ec >= 0.999) high *= EXACT_BONUS;
    if (high * KIND_MAX * BILLABLE_BOOST < bar0 || high <= 0) continue;
    const doc = entryDoc[e]!;
    if (filtered && !passes(doc)) continue;
    high *= KIND_WEIGHTS[entryKind[e]!]!;
    if ((docFlags[doc]! & 1) === 1) high *= BILLABLE_BOOST;
    if (high < bar0) continue;
    // Sift up.
    let c = nCand++;
    while (c > 0) {
      const parent = (c - 1) >> 1;
      if (candBound[parent]! >= high) break;
      candEntry[c] = candEntry[parent]!;
      candBound[c] = candBound[parent]!;
      c = parent;
    }
    candEntry[c] = e;
    candBound[c] = high;
  }

  // Full scores, highest bound first, until no bound passes the bar.
  top.reset(limit);
  for (let scored = 0; nCand > 0 && scored < SCORE_BUDGET; scored++) {
    const e = candEntry[0]!;
    const high = candBound[0]!;
    if (high < Math.max(bar0, top.bar)) break;
    // Pop: the last candidate sifts down from the root.
    nCand--;
    const lastE = candEntry[nCand]!;
    const lastB = candBound[nCand]!;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= nCand) break;
      const r = l + 1;
      const m = r < nCand && candBound[r]! > candBound[l]! ? r : l;
      if (candBound[m]! <= lastB) break;
      candEntry[c] = candEntry[m]!;
      candBound[c] = candBound[m]!;
      c = m;
    }
    candEntry[c] = lastE;
    candBound[c] = lastB;
    const total = scoreEntry(ix, s, terms, totalIdf, e);
    if (total > 0) top.offer(entryDoc[e]!, e, total);
  }

  for (const t of terms) for (const a of t.alts) slot[a.term] = -1;
  return top.sorted();
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
  const score = scoreEntry(ix, s, terms, totalIdf, entry);
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
