import { rootOf, type PcsLexicon } from './lexicon.js';

/**
 * Body-part words of a mention and of a table label, made comparable: lower
 * case, plural "s" dropped, synonyms of body-parts.json added ("renal" adds
 * "kidney"), combining forms of procedure words added ("nephrectomy" adds
 * "kidney"). Words the note wrote count more than words a synonym added.
 */

/** Weight of a word present as written. */
export const DIRECT = 1;
/** Weight of a word added by a synonym or a combining form. */
export const ADDED = 0.8;

export interface WordBag {
  /** word → weight (DIRECT or ADDED). */
  words: Map<string, number>;
  /** Sides named: right, left, bilateral. */
  sides: Set<string>;
  /** The folded text, for included-term phrases. */
  text: string;
}

const WORD = /[a-z0-9]+/g;

export function singular(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

function add(bag: Map<string, number>, w: string, weight: number): void {
  const prev = bag.get(w) ?? 0;
  if (weight > prev) bag.set(w, weight);
}

/**
 * What one token adds to a mention's bag, in the order the words are added
 * (the order decides ties between body parts): everything but the two-word
 * synonyms, which depend on the next token and come after the first `split`
 * words. The same for every mention, so remembered per token.
 */
interface TokenWords {
  side: string | undefined;
  ignored: boolean;
  words: string[];
  weights: number[];
  split: number;
}

const tokenCaches = new WeakMap<PcsLexicon, Map<string, TokenWords>>();

function tokenWords(lex: PcsLexicon, t: string): TokenWords {
  let cache = tokenCaches.get(lex);
  if (!cache) tokenCaches.set(lex, (cache = new Map()));
  let out = cache.get(t);
  if (out) return out;
  out = { side: lex.sides.get(t), ignored: lex.ignore.has(t), words: [], weights: [], split: 0 };
  if (!out.ignored) {
    const { words, weights } = out;
    const push = (w: string, weight: number) => (words.push(w), weights.push(weight));
    const s = singular(t);
    push(t, DIRECT);
    push(s, DIRECT);
    const synT = lex.synonyms.get(t);
    if (synT) for (const w of synT) push(w, w === s ? DIRECT : ADDED);
    const synS = s === t ? undefined : lex.synonyms.get(s);
    if (synS) for (const w of synS) push(w, w === s ? DIRECT : ADDED);
    out.split = words.length;
    // Procedure words carry their organ: cholecyst-ectomy, nephro-lithotomy.
    const m = s.length > 6 && PROCEDURE_ENDINGS.has(s.slice(-3)) ? /^([a-z]{2,}?)(ectomy|ectomie|otomy|otomie|ostomy|ostomie|scopy|scopie|plasty|pexy|rrhaphy|lysis|tripsy|centesis|gram|graphy)$/.exec(s) : null;
    if (m) {
      const root = rootOf(lex, m[1]!);
      if (root) for (const w of root.body.split(' ')) push(w, ADDED);
    }
    // Compound adjectives: thoraco-abdominal, abdomino-pelvic, written as one word.
    if (t.length > 10 && !lex.synonyms.has(t)) {
      for (const [k, v] of COMPOUND_PARTS) if (t.includes(k)) for (const w of v) push(w, ADDED);
    }
  }
  // Bounded: a note's words are mostly the same few thousand.
  if (cache.size > 50_000) cache.clear();
  cache.set(t, out);
  return out;
}

/** Words of a stretch of lower-case text, for matching body-part labels. */
export function mentionWords(lex: PcsLexicon, lower: string): WordBag {
  const tokens = lower.match(WORD) ?? [];
  const words = new Map<string, number>();
  const sides = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const tw = tokenWords(lex, t);
    if (tw.side && (t.length > 1 || tokens[i + 1] === undefined || !/^[a-z]/.test(tokens[i + 1]!))) sides.add(tw.side);
    if (tw.ignored) continue;
    let k = 0;
    for (; k < tw.split; k++) add(words, tw.words[k]!, tw.weights[k]!);
    const next = tokens[i + 1];
    // Two-word synonyms ("renal pelvis") are looked up only from a word that starts one.
    if (next && lex.synonymPairStarts.has(t)) {
      const pair = lex.synonyms.get(`${t} ${next}`) ?? lex.synonyms.get(`${t} ${singular(next)}`);
      if (pair) for (const w of pair) add(words, w, ADDED);
    }
    for (; k < tw.words.length; k++) add(words, tw.words[k]!, tw.weights[k]!);
  }
  return { words, sides, text: ` ${tokens.join(' ')} ` };
}

/** Last three letters of the procedure word endings, to skip the ending pattern for other words. */
const PROCEDURE_ENDINGS = new Set(['omy', 'mie', 'opy', 'pie', 'sty', 'exy', 'phy', 'sis', 'psy', 'ram']);

const COMPOUND_PARTS: Array<[string, string[]]> = [
  ['thorac', ['chest']],
  ['abdomin', ['abdomen']],
  ['pelv', ['pelvis']],
  ['cervic', ['neck']],
  ['crani', ['skull']],
  ['encephal', ['brain']],
];

export interface LabelWords {
  /** Content words of the label (sides and filler removed), singular and canonical. */
  words: string[];
  side?: string;
}

const labelCache = new Map<string, LabelWords>();

/** Canonical words of a table label ("Kidneys, Bilateral" → kidney + side bilateral). */
export function labelWords(lex: PcsLexicon, label: string): LabelWords {
  let out = labelCache.get(label);
  if (out) return out;
  const tokens = label.toLowerCase().match(WORD) ?? [];
  const words: string[] = [];
  let side: string | undefined;
  for (const t of tokens) {
    const sd = lex.sides.get(t);
    if (sd && t.length > 1) {
      side = sd;
      continue;
    }
    if (lex.ignore.has(t)) continue;
    const s = singular(t);
    // A label word maps to its canonical form only when the synonym is one word ("Kidneys" → kidney).
    const syn = lex.synonyms.get(t) ?? lex.synonyms.get(s);
    const w = syn && syn.length === 1 ? syn[0]! : s;
    if (!words.includes(w)) words.push(w);
  }
  out = side ? { words, side } : { words };
  labelCache.set(label, out);
  return out;
}

export interface LabelScore {
  score: number;
  /** The label names a side the mention does not state. */
  sideUnstated: boolean;
}

/**
 * How well a mention names a label: every content word of the label must be
 * there (or one of its included terms must appear as a phrase); a side the
 * mention contradicts rules the label out. Undefined when it does not match.
 */
export function scoreLabel(lex: PcsLexicon, bag: WordBag, label: string, includes?: readonly string[]): LabelScore | undefined {
  const lw = labelWords(lex, label);
  let score = 0;
  let all = lw.words.length > 0;
  for (const w of lw.words) {
    const weight = bag.words.get(w);
    if (weight === undefined) {
      all = false;
      break;
    }
    score += weight;
  }
  if (!all && includes) {
    for (const phrase of includePhrases(includes)) {
      if (bag.text.includes(` ${phrase} `)) {
        all = true;
        score = Math.max(score, phrase.split(' ').length * DIRECT);
        break;
      }
    }
  }
  if (!all) return undefined;
  let sideUnstated = false;
  if (lw.side) {
    if (bag.sides.has(lw.side)) score += 0.5;
    else if (bag.sides.has('bilateral') && lw.side !== 'bilateral') {
      // Both sides named: either side fits (the builder makes one code per side when no bilateral value exists).
    } else if (bag.sides.size > 0) {
      // "both" sides also fits a label of either side when no bilateral value exists; the caller prefers bilateral.
      return undefined;
    } else sideUnstated = true;
  }
  return { score, sideUnstated };
}

/** The side a label names (right, left, bilateral), if any. */
export function labelSide(lex: PcsLexicon, label: string): string | undefined {
  return labelWords(lex, label).side;
}

const phraseCache = new WeakMap<readonly string[], string[]>();

/** Included terms of a value as folded phrases (cached per list). */
export function includePhrases(includes: readonly string[]): string[] {
  let out = phraseCache.get(includes);
  if (!out) {
    out = includes.map((inc) => (inc.toLowerCase().match(WORD) ?? []).join(' ')).filter((p) => p.length > 3);
    phraseCache.set(includes, out);
  }
  return out;
}
