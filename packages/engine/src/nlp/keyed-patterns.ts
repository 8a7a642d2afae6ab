import { MedcoderError } from '../errors.js';

/**
 * Regular expressions of the rule lexicons (procedures, E/M, services) with
 * the words their matches hold, and the index of a note's words that lets a
 * pattern run only in the sentences holding one of them.
 *
 * A pattern's keys are word starts: every match of the pattern holds, at the
 * start of a word (a run of [a-z0-9] of the lower-case text), a word that
 * begins with one of the keys ("tomogr" for "tomograph(?:y|ies)"), or that is
 * exactly one of its whole keys ("=ct" for "\bct\b"). They are read from the
 * compiled expression itself, conservatively: where the reading is not sure
 * that a word is whole, or starts a word, it does not use it, and a pattern
 * with no sure key runs everywhere.
 */

/** Longest key kept (a note's words are indexed by their first letters up to this length). */
export const KEY_MAX = 6;

/** The word boundaries put around the plain patterns of a list. */
const LEFT = '(?<![a-z0-9])';
const RIGHT = '(?![a-z0-9])';

const KEYS = new WeakMap<RegExp, readonly string[]>();
/** The key table each keyed expression is recorded in, and its keys by number there. */
const RECORDED = new WeakMap<RegExp, { table: KeyTable; numbers: readonly number[] }>();

/**
 * The keys as a trie over the characters [a-z0-9] (36 branches a node), so a
 * note's words are looked up letter by letter without making strings: a
 * node's prefix key is a key the words through it start with, its whole key
 * a key a word ending there is.
 */
const BRANCHES = 36;

function branch(code: number): number {
  return code >= 97 ? code - 97 : code - 48 + 26;
}

/**
 * The trie as a double array: the child of state `s` by branch `b` is
 * `base[s] + b` when `check[base[s] + b]` is `s`. It takes a slot or so a
 * node where the node table takes 36, so the walks of a note's words stay in
 * the processor's cache.
 */
interface DoubleArray {
  version: number;
  base: Int32Array;
  check: Int32Array;
  /** By state: the key the words through it start with, and the key a word ending there is (-1: none). */
  prefixKey: Int32Array;
  wholeKey: Int32Array;
}

/**
 * The keys of one family of patterns, numbered, with the patterns each key
 * belongs to and the trie of them all. A note is indexed against one table
 * (NoteWords), so a coder that reads only its own lexicon walks only its
 * own keys: the procedure lexicons have theirs, the E/M and service rules
 * share `ruleKeys`.
 */
export class KeyTable {
  /** Each key's number, and the patterns each key (by number) belongs to. */
  private readonly ids = new Map<string, number>();
  readonly patternsOf: RegExp[][] = [];
  private readonly next: number[] = new Array<number>(BRANCHES).fill(-1);
  private readonly prefixKey: number[] = [-1];
  private readonly wholeKey: number[] = [-1];
  /** Bumped when new keys are recorded: a note indexed before then is indexed again. */
  version = 0;
  private frozen: DoubleArray | undefined;
  /**
   * Scratch of NoteWords.index, by key number: `met` holds the stamp of the
   * last indexing that met the key, `list` where that indexing keeps the
   * key's sentences. A new stamp for each indexing, so nothing is cleared
   * between notes (indexing runs to its end before another starts).
   */
  private readonly work = { met: new Int32Array(0), list: new Int32Array(0), stamp: 0 };

  /** Record the keys of an expression; their numbers. */
  record(re: RegExp, keys: readonly string[]): number[] {
    const numbers: number[] = [];
    for (const k of keys) {
      let id = this.ids.get(k);
      if (id === undefined) {
        id = this.patternsOf.length;
        this.ids.set(k, id);
        this.patternsOf.push([]);
        if (k.startsWith('=')) this.wholeKey[this.node(k.slice(1))] = id;
        else this.prefixKey[this.node(k)] = id;
        this.version++;
      }
      this.patternsOf[id]!.push(re);
      numbers.push(id);
    }
    return numbers;
  }

  private node(word: string): number {
    const { next, prefixKey, wholeKey } = this;
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const at = node * BRANCHES + branch(word.charCodeAt(i));
      let child = next[at]!;
      if (child < 0) {
        child = prefixKey.length;
        prefixKey.push(-1);
        wholeKey.push(-1);
        for (let b = 0; b < BRANCHES; b++) next.push(-1);
        next[at] = child;
      }
      node = child;
    }
    return node;
  }

  /** The trie as a double array (made again when keys were added since). */
  trie(): DoubleArray {
    if (this.frozen && this.frozen.version === this.version) return this.frozen;
    const { next } = this;
    const base: number[] = [0];
    const check: number[] = [-2];
    const prefixKey: number[] = [this.prefixKey[0]!];
    const wholeKey: number[] = [this.wholeKey[0]!];
    const free = (t: number) => check[t] === undefined;
    let firstFree = 1;
    // Breadth first: each node's children get the first slots free for all of them.
    const queue: Array<[node: number, state: number]> = [[0, 0]];
    for (let q = 0; q < queue.length; q++) {
      const [node, s] = queue[q]!;
      const kids: number[] = [];
      for (let b = 0; b < BRANCHES; b++) if (next[node * BRANCHES + b]! >= 0) kids.push(b);
      if (kids.length === 0) continue;
      while (!free(firstFree)) firstFree++;
      let b0 = Math.max(1, firstFree - kids[0]!);
      while (!kids.every((b) => free(b0 + b))) b0++;
      base[s] = b0;
      for (const b of kids) {
        const child = next[node * BRANCHES + b]!;
        const t = b0 + b;
        check[t] = s;
        prefixKey[t] = this.prefixKey[child]!;
        wholeKey[t] = this.wholeKey[child]!;
        queue.push([child, t]);
      }
    }
    // Room past the last slot for any branch, so a walk never reads outside the arrays.
    const size = check.length + BRANCHES;
    const out: DoubleArray = { version: this.version, base: new Int32Array(size), check: new Int32Array(size).fill(-1), prefixKey: new Int32Array(size).fill(-1), wholeKey: new Int32Array(size).fill(-1) };
    for (let t = 0; t < check.length; t++) {
      if (check[t] === undefined) continue;
      out.base[t] = base[t] ?? 0;
      out.check[t] = check[t]!;
      out.prefixKey[t] = prefixKey[t]!;
      out.wholeKey[t] = wholeKey[t]!;
    }
    return (this.frozen = out);
  }

  /** The scratch for one indexing, with a stamp of its own. */
  scratch(): { met: Int32Array; list: Int32Array; stamp: number } {
    const w = this.work;
    if (w.met.length < this.patternsOf.length) {
      w.met = new Int32Array(this.patternsOf.length + 256);
      w.list = new Int32Array(this.patternsOf.length + 256);
      w.stamp = 0;
    }
    // Stamps restart long before they could wrap.
    if (++w.stamp > 0x3fffffff) {
      w.met.fill(0);
      w.stamp = 1;
    }
    return w;
  }
}

/** The keys of the E/M and service rules (read through documentWords), and of patterns recorded without a table. */
export const ruleKeys = new KeyTable();

/** A pattern that sets its own left boundary (`\b…`, a look-behind) keeps it; the others get [a-z0-9] boundaries. */
function ownBoundary(src: string): boolean {
  return src.startsWith('\\b') || src.startsWith('(?<');
}

/**
 * One expression for a list of patterns: consecutive plain patterns share
 * one pair of word boundaries (much faster to scan than a pair each) and the
 * patterns that set their own keep them. At one place of the text the first
 * alternative that matches wins: in the order of the list, or with
 * `plainFirst` every plain pattern before those with their own boundaries
 * (the procedure lexicons: "ct angiography" before "\\bct\\b"). The
 * expression's keys are recorded for NoteWords.
 */
export function compilePatterns(patterns: readonly string[], where: { file: string; entry: string }, opts: { plainFirst?: boolean; keys?: KeyTable } = {}): RegExp {
  const parts: string[] = [];
  let plain: string[] = [];
  const flush = () => {
    if (plain.length) parts.push(`${LEFT}(?:${plain.join('|')})${RIGHT}`);
    plain = [];
  };
  const own: string[] = [];
  for (const p of patterns) {
    if (!ownBoundary(p)) {
      plain.push(p);
      continue;
    }
    if (opts.plainFirst) {
      own.push(p);
      continue;
    }
    flush();
    parts.push(`(?:${p})${p.endsWith('\\b') ? '' : RIGHT}`);
  }
  flush();
  for (const p of own) parts.push(`(?:${p})${p.endsWith('\\b') ? '' : RIGHT}`);
  let re: RegExp;
  try {
    re = new RegExp(parts.join('|'), 'g');
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `${where.file}: a pattern of ${where.entry} is not a valid regular expression: ${(e as Error).message}`, { file: where.file, entry: where.entry });
  }
  registerKeys(re, opts.keys);
  return re;
}

/** Reads and records the keys of an expression compiled elsewhere (a pattern used as written), in a key table (`ruleKeys` unless told). */
export function registerKeys(re: RegExp, table: KeyTable = ruleKeys): RegExp {
  if (KEYS.has(re)) return re;
  const keys = patternKeys(re.source);
  if (!keys) return re;
  KEYS.set(re, keys);
  RECORDED.set(re, { table, numbers: table.record(re, keys) });
  return re;
}

/** The keys recorded for an expression (undefined: it may match anywhere). */
export function keysOf(re: RegExp): readonly string[] | undefined {
  return KEYS.get(re);
}

// ---------------------------------------------------------------------------
// Reading the keys of an expression source.

type Node =
  | { kind: 'char'; ch: string; min: number; max: number }
  /** A set of characters (class, escape, dot): whether it can match a word character, and whether it matches only word characters. */
  | { kind: 'set'; word: 'never' | 'always' | 'maybe'; min: number; max: number }
  | { kind: 'group'; alts: Node[][]; min: number; max: number }
  /** Zero-width: boundary (\b before a word, or a look-behind that no [a-z0-9] precedes), or another assertion. */
  | { kind: 'assert'; boundary: boolean; endBoundary: boolean };

const isWordChar = (ch: string) => (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  alternation(): Node[][] {
    const alts: Node[][] = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Node[] {
    const out: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atom = this.atom();
      if (atom.kind === 'assert') {
        out.push(atom);
        continue;
      }
      const [min, max] = this.quantifier();
      out.push({ ...atom, min, max } as Node);
    }
    return out;
  }

  private quantifier(): [number, number] {
    const c = this.s[this.i];
    let q: [number, number] = [1, 1];
    if (c === '?') q = [0, 1];
    else if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) return q;
      this.i += m[0].length;
      if (this.s[this.i] === '?') this.i++;
      return [Number(m[1]), m[2] ? (m[3] ? Number(m[3]) : Infinity) : Number(m[1])];
    } else return q;
    this.i++;
    if (this.s[this.i] === '?') this.i++;
    return q;
  }

  private atom(): Node | { kind: 'char'; ch: string } | { kind: 'set'; word: 'never' | 'always' | 'maybe' } | { kind: 'group'; alts: Node[][] } {
    const c = this.s[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return { kind: 'set', word: 'maybe' };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { kind: 'assert', boundary: false, endBoundary: false };
    }
    if (c === '\\') return this.escape();
    this.i++;
    return { kind: 'char', ch: c };
  }

  private escape(): Node | { kind: 'char'; ch: string } | { kind: 'set'; word: 'never' | 'always' | 'maybe' } {
    const e = this.s[this.i + 1] ?? '';
    this.i += 2;
    if (e === 'b') return { kind: 'assert', boundary: true, endBoundary: true };
    if (e === 'B') return { kind: 'assert', boundary: false, endBoundary: false };
    if (e === 'd') return { kind: 'set', word: 'always' };
    if (e === 'w' || e === 'D' || e === 'S' || e === 'W' || /[0-9]/.test(e)) return { kind: 'set', word: 'maybe' };
    if (e === 's') return { kind: 'set', word: 'never' };
    if (e === 'n' || e === 't' || e === 'r' || e === 'f' || e === 'v') return { kind: 'char', ch: ' ' };
    if (e === 'u' || e === 'x') {
      const m = (e === 'u' ? /^[0-9a-fA-F]{4}/ : /^[0-9a-fA-F]{2}/).exec(this.s.slice(this.i));
      if (!m) return { kind: 'set', word: 'maybe' };
      this.i += m[0].length;
      return { kind: 'char', ch: String.fromCharCode(parseInt(m[0], 16)) };
    }
    if (e === 'p' || e === 'P' || e === 'k' || e === 'c') return { kind: 'set', word: 'maybe' };
    return { kind: 'char', ch: e };
  }

  private charClass(): { kind: 'set'; word: 'never' | 'always' | 'maybe' } {
    let j = this.i + 1;
    const negated = this.s[j] === '^';
    if (negated) j++;
    let word = false;
    let other = false;
    let first = true;
    while (j < this.s.length && (this.s[j] !== ']' || first)) {
      first = false;
      const ch = this.s[j]!;
      if (ch === '\\') {
        const e = this.s[j + 1] ?? '';
        j += 2;
        if (e === 'd') word = true;
        else if (e === 's') other = true;
        else {
          // \w, \S, \p… and anything unusual: may be a word character or not.
          word = true;
          other = true;
        }
        continue;
      }
      if (this.s[j + 1] === '-' && this.s[j + 2] !== undefined && this.s[j + 2] !== ']') {
        const to = this.s[j + 2]!;
        // A range: word characters when it overlaps a-z or 0-9, others when it reaches outside them.
        for (let c = ch.charCodeAt(0); c <= to.charCodeAt(0) && c < 0x250; c++) {
          if (isWordChar(String.fromCharCode(c))) word = true;
          else other = true;
        }
        if (to.charCodeAt(0) >= 0x250) other = true;
        j += 3;
        continue;
      }
      if (isWordChar(ch)) word = true;
      else other = true;
      j++;
    }
    this.i = j + 1;
    if (negated) return { kind: 'set', word: 'maybe' };
    return { kind: 'set', word: word && other ? 'maybe' : word ? 'always' : 'never' };
  }

  private group(): Node | { kind: 'group'; alts: Node[][] } {
    const s = this.s;
    let look: 'behind-not' | 'behind' | 'ahead-not' | 'ahead' | undefined;
    if (s.startsWith('(?:', this.i)) this.i += 3;
    else if (s.startsWith('(?<!', this.i)) (look = 'behind-not'), (this.i += 4);
    else if (s.startsWith('(?<=', this.i)) (look = 'behind'), (this.i += 4);
    else if (s.startsWith('(?!', this.i)) (look = 'ahead-not'), (this.i += 3);
    else if (s.startsWith('(?=', this.i)) (look = 'ahead'), (this.i += 3);
    else if (s.startsWith('(?<', this.i)) this.i = s.indexOf('>', this.i) + 1;
    else this.i += 1;
    const from = this.i;
    const alts = this.alternation();
    const inner = s.slice(from, this.i);
    this.i++; // ')'
    if (!look) return { kind: 'group', alts };
    // (?<![a-z0-9]) and the like: no word character precedes, so the next word starts here.
    const coversWord = (x: string) => /^\[(?:a-z0-9|0-9a-z|\\w|a-z\\d|\\da-z)[^\]]*\]$/.test(x);
    return { kind: 'assert', boundary: look === 'behind-not' && coversWord(inner), endBoundary: look === 'ahead-not' && coversWord(inner) };
  }
}

/** Whether every way an element can end consumes a non-word character last (or nothing of its own: `undefined`). */
function endsNonWord(n: Node): boolean {
  if (n.kind === 'char') return !isWordChar(n.ch);
  if (n.kind === 'set') return n.word === 'never';
  if (n.kind === 'group') return n.alts.every((alt) => alt.length > 0 && seqEndsNonWord(alt, alt.length, false));
  return false;
}

/** Whether the text just before position `at` of a sequence is sure to end in a non-word character (or be the start of a word). */
function seqEndsNonWord(seq: Node[], at: number, startIsBoundary: boolean): boolean {
  for (let k = at - 1; k >= 0; k--) {
    const n = seq[k]!;
    if (n.kind === 'assert') {
      if (n.boundary) return true;
      continue;
    }
    if (!endsNonWord(n)) return false;
    if (n.min >= 1) return true;
    // Optional: both with it (a non-word end) and without it (look further back).
  }
  return startIsBoundary;
}

/** Whether what follows position `at` of a sequence is sure not to continue a word. */
function seqStartsNonWord(seq: Node[], at: number): boolean {
  for (let k = at; k < seq.length; k++) {
    const n = seq[k]!;
    if (n.kind === 'assert') {
      if (n.endBoundary) return true;
      continue;
    }
    if (n.kind === 'char') return n.min >= 1 && !isWordChar(n.ch);
    if (n.kind === 'set') return n.min >= 1 && n.word === 'never';
    return false;
  }
  return false;
}

/** Candidate key sets of a sequence: each is a set one of whose words every match holds at a word start. */
function sequenceKeys(seq: Node[], startIsBoundary: boolean): string[][] {
  const out: string[][] = [];
  let k = 0;
  while (k < seq.length) {
    const n = seq[k]!;
    if (n.kind === 'group') {
      if (n.min >= 1) {
        const atStart = seqEndsNonWord(seq, k, startIsBoundary);
        const keys = alternationKeys(n.alts, atStart);
        if (keys) out.push(keys);
      }
      k++;
      continue;
    }
    if (n.kind !== 'char' || !isWordChar(n.ch) || n.min < 1) {
      k++;
      continue;
    }
    // A run of literal word characters.
    const begin = k;
    let word = '';
    let whole = true;
    while (k < seq.length) {
      const c = seq[k]!;
      if (c.kind !== 'char' || !isWordChar(c.ch)) break;
      if (c.min < 1) {
        whole = false;
        break;
      }
      word += c.ch;
      k++;
      if (c.max !== 1) {
        whole = false;
        break;
      }
    }
    if (word.length >= 2 && seqEndsNonWord(seq, begin, startIsBoundary)) {
      if (whole && word.length <= 4 && seqStartsNonWord(seq, k)) out.push([`=${word}`]);
      else out.push([word.slice(0, KEY_MAX)]);
    }
    // Skip the rest of this word (its letters are not a word start).
    while (k < seq.length && seq[k]!.kind !== 'assert' && !endsNonWord(seq[k]!)) k++;
  }
  return out;
}

/** Keys of a choice between alternatives: one set from each (undefined when one has none). */
function alternationKeys(alts: Node[][], startIsBoundary: boolean): string[] | undefined {
  const all = new Set<string>();
  for (const alt of alts) {
    const best = bestSet(sequenceKeys(alt, startIsBoundary));
    if (!best) return undefined;
    for (const k of best) all.add(k);
  }
  return [...all];
}

/** How selective a key is: longer words are rarer; a whole short word is rarer than a start. */
const strength = (k: string) => (k.startsWith('=') ? k.length + 1 : k.length);

function bestSet(sets: string[][]): string[] | undefined {
  let best: string[] | undefined;
  let bestScore = -1;
  for (const s of sets) {
    const score = Math.min(...s.map(strength)) * 100 - s.length;
    if (score > bestScore) (best = s), (bestScore = score);
  }
  return best;
}

/** The keys of an expression source, or undefined when some match need not hold any sure key. */
export function patternKeys(source: string): string[] | undefined {
  try {
    const p = new Parser(source);
    const alts = p.alternation();
    if (p.i < source.length) return undefined;
    return alternationKeys(alts, false);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// A note's words.

/** Sentence spans of a note (offsets into its text). */
export interface Span {
  start: number;
  end: number;
}

/** A match inside one sentence: offsets into the note, and the match as the sentence gave it. */
export interface SentenceMatch {
  start: number;
  end: number;
  text: string;
  sentence: number;
  match: RegExpMatchArray;
}

/**
 * The words of a lower-case note that are some pattern's key, by sentence.
 * `has` tells whether a pattern may match the note at all, `sentences`
 * which sentences may hold a match, and `matches` finds the matches of a
 * pattern inside the sentences that hold its words.
 */
export class NoteWords {
  /** Every word of the note (runs of two or more [a-z0-9]): where it starts and ends. */
  readonly wordStarts: number[] = [];
  readonly wordEnds: number[] = [];
  /** Key (by number) → indices of the sentences holding it, ascending, each once. */
  private readonly keySentences = new Map<number, number[]>();
  /** The keyed patterns some word of the note (in a sentence or not: headers, list markers) may start a match of. */
  private readonly hit = new Set<RegExp>();
  private readonly bySentence = new Map<RegExp, number[] | null>();
  private version = -1;

  constructor(
    readonly lower: string,
    readonly sentences: readonly Span[],
    /** The table of the patterns the note is read for. */
    readonly keys: KeyTable = ruleKeys,
  ) {
    this.index();
  }

  /** The i-th word. */
  word(i: number): string {
    return this.lower.slice(this.wordStarts[i]!, this.wordEnds[i]!);
  }

  /**
   * Find the words and index them by the keys recorded so far (again when
   * rules compiled later add keys): one pass over the characters, each word
   * walking the key trie as it is read.
   */
  private index(): void {
    this.keySentences.clear();
    this.hit.clear();
    this.bySentence.clear();
    const table = this.keys;
    this.version = table.version;
    const { sentences, lower, wordStarts, wordEnds } = this;
    wordStarts.length = 0;
    wordEnds.length = 0;
    const { base, check, prefixKey, wholeKey } = table.trie();
    const { patternsOf } = table;
    const scratch = table.scratch();
    const { met, list } = scratch;
    const stamp = scratch.stamp;
    const lists: number[][] = [];
    const keys = new Int32Array(KEY_MAX + 1);
    const n = lower.length;
    let si = 0;
    let i = 0;
    while (i < n) {
      let c = lower.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
        i++;
        continue;
      }
      const at = i;
      // The keys the word starts with, while the trie follows its letters (up to KEY_MAX), and the key it is.
      let count = 0;
      let state = 0;
      let walking = true;
      do {
        if (walking) {
          const t = base[state]! + (c >= 97 ? c - 97 : c - 22);
          if (i - at < KEY_MAX && check[t] === state) {
            state = t;
            const k = prefixKey[t]!;
            if (k >= 0) keys[count++] = k;
          } else walking = false;
        }
        c = lower.charCodeAt(++i);
      } while (i < n && ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)));
      // Words of one character are not indexed (no key is that short).
      if (i - at < 2) continue;
      wordStarts.push(at);
      wordEnds.push(i);
      if (walking && wholeKey[state]! >= 0) keys[count++] = wholeKey[state]!;
      if (count === 0) continue;
      while (si < sentences.length && sentences[si]!.end <= at) si++;
      // Words outside every sentence (headers, list markers) hold no match of a sentence.
      const inSentence = si < sentences.length && sentences[si]!.start <= at;
      for (let x = 0; x < count; x++) {
        const k = keys[x]!;
        if (met[k] !== stamp) {
          met[k] = stamp;
          list[k] = -1;
          for (const re of patternsOf[k]!) this.hit.add(re);
        }
        if (!inSentence) continue;
        if (list[k]! < 0) {
          list[k] = lists.length;
          const l = [si];
          lists.push(l);
          this.keySentences.set(k, l);
          continue;
        }
        const l = lists[list[k]!]!;
        if (l[l.length - 1] !== si) l.push(si);
      }
    }
  }

  /** False when the pattern cannot match anywhere in the note. */
  has(re: RegExp): boolean {
    if (this.version !== this.keys.version) this.index();
    // A pattern of another table: the note was not read for its keys.
    return this.hit.has(re) || RECORDED.get(re)?.table !== this.keys;
  }

  /** Indices of the sentences that may hold a match, ascending; null when every sentence may. */
  sentencesOf(re: RegExp): readonly number[] | null {
    if (this.version !== this.keys.version) this.index();
    let out = this.bySentence.get(re);
    if (out !== undefined) return out;
    const recorded = RECORDED.get(re);
    const keys = recorded?.table === this.keys ? recorded.numbers : undefined;
    if (!keys) out = null;
    else if (!this.hit.has(re)) out = [];
    else {
      let one: number[] | undefined;
      let several = false;
      for (const k of keys) {
        const l = this.keySentences.get(k);
        if (!l) continue;
        if (one) several = true;
        else one = l;
      }
      out = several ? this.union(keys) : (one ?? []);
    }
    this.bySentence.set(re, out);
    return out;
  }

  /** The sentences holding any of the keys, ascending, each once. */
  private union(keys: readonly number[]): number[] {
    if (sentenceMarks.length < this.sentences.length) sentenceMarks = new Uint8Array(this.sentences.length + 64);
    let lo = Infinity;
    let hi = -1;
    for (const k of keys) {
      for (const si of this.keySentences.get(k) ?? []) {
        sentenceMarks[si] = 1;
        if (si < lo) lo = si;
        if (si > hi) hi = si;
      }
    }
    const out: number[] = [];
    for (let si = lo; si <= hi; si++) {
      if (sentenceMarks[si] === 0) continue;
      out.push(si);
      sentenceMarks[si] = 0;
    }
    return out;
  }

  /** False when sentence `si` holds none of the pattern's words (so the pattern cannot match in it). */
  mayHold(re: RegExp, si: number): boolean {
    // The lists are short: the few sentences that name a pattern's words.
    const list = this.sentencesOf(re);
    return list === null || list.includes(si);
  }

  /**
   * The matches of a global pattern that lie inside a sentence (each sentence
   * is searched on its own), in order. A pattern without keys searches every
   * sentence.
   */
  matches(re: RegExp): SentenceMatch[] {
    const list = this.sentencesOf(re);
    const out: SentenceMatch[] = [];
    const n = list ? list.length : this.sentences.length;
    for (let i = 0; i < n; i++) {
      const si = list ? list[i]! : i;
      const s = this.sentences[si]!;
      const hay = this.lower.slice(s.start, s.end);
      re.lastIndex = 0;
      if (!re.global) {
        // matchAll refuses a pattern without the g flag (exec would not move on).
        for (const m of hay.matchAll(re)) if (m[0]) out.push({ start: s.start + m.index, end: s.start + m.index + m[0].length, text: m[0], sentence: si, match: m });
        continue;
      }
      // exec on the pattern itself, as matchAll does on a copy of it (making the copy costs more than the search).
      for (let m = re.exec(hay); m !== null; m = re.exec(hay)) {
        if (m[0]) out.push({ start: s.start + m.index, end: s.start + m.index + m[0].length, text: m[0], sentence: si, match: m });
        else re.lastIndex = advance(hay, re.lastIndex, re.unicode || re.flags.includes('v'));
      }
    }
    return out;
  }
}

/** The index after an empty match, as matchAll moves on: one code unit, or one code point in unicode mode. */
function advance(text: string, at: number, unicode: boolean): number {
  if (!unicode || at + 1 >= text.length) return at + 1;
  const c = text.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? at + 2 : at + 1;
}

/** Scratch of NoteWords.union: sentences marked, all clear between calls. */
let sentenceMarks = new Uint8Array(256);

const byDocument = new WeakMap<object, NoteWords>();

/**
 * The NoteWords of a parsed document (its text in lower case, its
 * sentences), built once per document: E/M and services read the same note.
 */
export function documentWords(doc: { text: string; sentences: readonly Span[] }): NoteWords {
  let w = byDocument.get(doc);
  if (!w) byDocument.set(doc, (w = new NoteWords(doc.text.toLowerCase(), doc.sentences)));
  return w;
}
