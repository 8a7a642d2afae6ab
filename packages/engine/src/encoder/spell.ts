import { hash32 } from './binary.js';

/**
 * Typo tolerance by deletion neighbourhoods (the SymSpell idea): a word and
 * every form of it with one letter deleted are hashed at build time; a query
 * word is looked up by its own deletions. Two words within one edit
 * (insertion, deletion, substitution, swap of neighbours) always share a
 * form. For long words a second deletion on the query side reaches two
 * edits. Candidates are then checked with a real edit distance.
 */

/** Shortest word that is corrected at all; shorter typos are too ambiguous. */
export const MIN_TYPO_LENGTH = 4;
/** Words at least this long may be two edits away. */
export const TWO_EDIT_LENGTH = 8;

/** The word and its one-letter deletions (distinct). */
export function deletions(word: string): string[] {
  const out = new Set<string>([word]);
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return [...out];
}

/** Sorted hash → word-id pairs for a word list (ids are positions in the list). */
export function buildDeletionIndex(wordList: readonly string[]): { hashes: Uint32Array; ids: Uint32Array } {
  const pairs: number[] = [];
  wordList.forEach((w, id) => {
    if (w.length < MIN_TYPO_LENGTH - 1 || /[0-9]/.test(w)) return;
    for (const d of deletions(w)) pairs.push(hash32(d), id);
  });
  const n = pairs.length / 2;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => pairs[2 * a]! - pairs[2 * b]! || pairs[2 * a + 1]! - pairs[2 * b + 1]!);
  const hashes = new Uint32Array(n);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hashes[i] = pairs[2 * order[i]!]!;
    ids[i] = pairs[2 * order[i]! + 1]!;
  }
  return { hashes, ids };
}

/** First position at or after `from` of a hash in a sorted array (or where it would go): galloping, then bisection. */
function lowerBoundFrom(arr: Uint32Array, h: number, from: number): number {
  let lo = from;
  let step = 1;
  while (lo + step < arr.length && arr[lo + step]! < h) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(arr.length, lo + step);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows of the edit distance, reused from call to call (words are at most 40 letters here). */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal string alignment distance (Levenshtein plus swaps of neighbours),
 * giving up (returning max + 1) once it must exceed `max`.
 */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  if (rows[0]!.length < m + 1) rows = [new Int32Array(m + 1), new Int32Array(m + 1), new Int32Array(m + 1)];
  let prev2 = rows[0]!;
  let prev = rows[1]!;
  let cur = rows[2]!;
  for (let j = 0; j <= m; j++) {
    prev2[j] = 0;
    prev[j] = j;
    cur[j] = 0;
  }
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/** hash32 of a word with the letters at positions i and j (j may be -1) left out. */
function hashWithout(s: string, i: number, j: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) {
    if (k === i || k === j) continue;
    h ^= s.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Correction {
  id: number;
  distance: number;
}

/**
 * Word ids within one edit of `word` (two for long words), nearest first;
 * `word` itself excluded. `wordAt` gives the word of an id.
 */
export function corrections(word: string, hashes: Uint32Array, ids: Uint32Array, wordAt: (id: number) => string): Correction[] {
  if (word.length < MIN_TYPO_LENGTH || word.length > 40) return [];
  const max = word.length >= TWO_EDIT_LENGTH ? 2 : 1;
  const seen = new Map<number, number>();
  // Probes in ascending order: each is sought from where the one before it was found.
  let at = 0;
  for (const h of probesOf(word, max)) {
    at = lowerBoundFrom(hashes, h, at);
    for (let i = at; i < hashes.length && hashes[i] === h; i++) {
      const id = ids[i]!;
      if (seen.has(id)) continue;
      const w = wordAt(id);
      const d = w === word ? 0 : editDistance(word, w, max);
      seen.set(id, d);
    }
  }
  const out: Correction[] = [];
  for (const [id, distance] of seen) if (distance > 0 && distance <= max) out.push({ id, distance });
  return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
}

/** Probes of the words corrected last: every system's index corrects the same words of a query. */
const probeMemo = new Map<string, Uint32Array>();
const PROBE_MEMO_LIMIT = 64;

/** The hashes of a word and its deletions (two for long words), distinct and ascending. */
function probesOf(word: string, max: number): Uint32Array {
  let probes = probeMemo.get(word);
  if (!probes) {
    const set = new Set<number>([hash32(word)]);
    for (let i = 0; i < word.length; i++) {
      set.add(hashWithout(word, i, -1));
      if (max === 2) for (let j = i + 1; j < word.length; j++) set.add(hashWithout(word, i, j));
    }
    probes = Uint32Array.from(set).sort();
    if (probeMemo.size >= PROBE_MEMO_LIMIT) probeMemo.clear();
    probeMemo.set(word, probes);
  }
  return probes;
}
