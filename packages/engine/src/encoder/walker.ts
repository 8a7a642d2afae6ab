import { readFileSync } from 'node:fs';
import type { IndexTerm } from '../icd10cm/alphabetic-index.js';
import { queryRewriter } from './abbreviations.js';
import type { SearchIndex } from './search-index.js';
import { stem } from './stem.js';
import { CONNECTORS, INSTRUCTION_WORDS, isLetterA, letterAPlaces, MAX_QUERY_WORDS, STOPWORDS, words as wordsOf } from './tokenize.js';

/**
 * Matching a phrase against the entries of an index the way a coder reads
 * it: a word of the phrase is used once; an entry's title must be covered
 * by unused words (its nonessential modifiers, later comma parts, NEC/NOS
 * and small connecting words need not be); "with", "in", "due to" subterms
 * may be entered without the word being typed; "without" subterms only when
 * the phrase says "without" or "no".
 */

/** One word of the phrase. */
export interface PhraseWord {
  word: string;
  stem: string;
  /** "3a" also matches a title's "3". */
  number?: string;
  weight: number;
  optional: boolean;
}

export interface Phrase {
  words: PhraseWord[];
  expansions: Array<{ from: string; to: string }>;
  corrections: Array<{ from: string; to: string }>;
  /** Bit mask with every word's bit set. */
  all: number;
  negated: boolean;
}

/** What an entry's title asks of the phrase. */
export interface TitleWords {
  /** Stems that must be in the phrase. */
  req: string[];
  /** Stems that may be (later comma parts, modifiers, connectors). */
  opt: string[];
  /** The title is only connecting words ("with", "due to", "in"). */
  connectorOnly: boolean;
  /** The title starts with "without". */
  without: boolean;
  /** The title starts with "with". */
  leadsWith: boolean;
}

const titleMemo = new WeakMap<IndexTerm, TitleWords>();

const RULES_URL = new URL('../../data/encoder/index-walk.json', import.meta.url);
let rules: { impliedQualifiers: Set<string> } | undefined;

/** The walk's rules (data/encoder/index-walk.json), read once. */
export function walkRules(): { impliedQualifiers: Set<string> } {
  if (!rules) {
    const data = JSON.parse(readFileSync(RULES_URL, 'utf8')) as { impliedQualifiers: string[] };
    rules = { impliedQualifiers: new Set(data.impliedQualifiers.map((w) => w.toLowerCase())) };
  }
  return rules;
}

/** Main terms by their first comma part, counted once per index. */
const firstPartCounts = new WeakMap<IndexTerm['index'], Map<string, number>>();

/** Whether another main term of the term's index has the same first comma part ("Fracture, pathological" and "Fracture, traumatic"). */
function sharesFirstPart(term: IndexTerm): boolean {
  let counts = firstPartCounts.get(term.index);
  if (!counts) {
    counts = new Map();
    for (const m of term.index.mainTerms) {
      const k = firstPartKey(m.title);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    firstPartCounts.set(term.index, counts);
  }
  return (counts.get(firstPartKey(term.title)) ?? 0) > 1;
}

const firstPartKey = (title: string): string => wordsOf(title.split(',')[0] ?? '').join(' ');

/** A word after a main term's comma that varies the main word (`root`: its first four letters), states its implied sense, or connects. */
function variantWord(w: string, root: string): boolean {
  return w.startsWith(root) || walkRules().impliedQualifiers.has(w) || CONNECTORS.has(w);
}

export function titleWords(term: IndexTerm): TitleWords {
  let t = titleMemo.get(term);
  if (t) return t;
  const [first = '', ...later] = term.title.split(',');
  const req: string[] = [];
  const opt: string[] = [];
  const firstWords = wordsOf(first);
  // The letter A of a title is a word to match, not the article (see letterAPlaces).
  const firstLetters = letterAPlaces(first, firstWords);
  firstWords.forEach((w, i) => {
    if (INSTRUCTION_WORDS.has(w)) return;
    (CONNECTORS.has(w) && !firstLetters.includes(i) ? opt : req).push(stem(w));
  });
  // After a main term's comma: variants of the main word ("Diabetes, diabetic") and implied senses
  // ("Fracture, traumatic") are optional; other qualifiers are required where they tell main terms of the same
  // first part apart ("Fracture, pathological"), and optional where the main term is the only one of its first
  // part: "Echovirus, as cause of disease classified elsewhere" is what a coder finds under "echovirus".
  // A comma part is a variant by its first word: "alcohol-induced" of "Alcohol, alcoholic, alcohol-induced" is.
  const root = (firstWords[0] ?? '').slice(0, 4);
  const distinguishes = term.isMainTerm && later.length > 0 && sharesFirstPart(term);
  for (const part of later) {
    let variantPart = !distinguishes;
    let first = true;
    const partWords = wordsOf(part);
    const letters = letterAPlaces(part, partWords);
    for (const [i, w] of partWords.entries()) {
      if (INSTRUCTION_WORDS.has(w) || (STOPWORDS.has(w) && !letters.includes(i))) continue;
      const variant = variantPart || variantWord(w, root);
      if (first && variant) variantPart = true;
      first = false;
      (variant ? opt : req).push(stem(w));
    }
  }
  for (const w of wordsOf(term.nemod.join(' '))) if (!INSTRUCTION_WORDS.has(w) && !STOPWORDS.has(w)) opt.push(stem(w));
  t = { req, opt, connectorOnly: req.length === 0 && opt.length > 0, without: firstWords[0] === 'without', leadsWith: firstWords[0] === 'with' };
  titleMemo.set(term, t);
  return t;
}

const shownMemo = new Map<string, string>();

/**
 * A main term's title as coders write it in a path: the first comma part and
 * the later parts that qualify it ("Fracture, pathological"), without those
 * that only vary the main word ("Diabetes, diabetic") or state its implied
 * sense ("Fracture, traumatic"), told apart by their first word as
 * titleWords tells them. (The qualifiers are shown even where the phrase
 * need not name them.)
 */
export function mainTermText(title: string): string {
  let out = shownMemo.get(title);
  if (out !== undefined) return out;
  const [first = '', ...later] = title.split(',');
  const root = (wordsOf(first)[0] ?? '').slice(0, 4);
  const kept = [first.trim()];
  for (const part of later) {
    const w = wordsOf(part).find((x) => !INSTRUCTION_WORDS.has(x) && !STOPWORDS.has(x));
    if (w && !variantWord(w, root)) kept.push(part.trim());
  }
  out = kept.join(', ');
  shownMemo.set(title, out);
  return out;
}

/** Whether the vocabulary has a stem, asked once per vocabulary and stem (a bisection of its string table otherwise). */
const knownMemo = new WeakMap<SearchIndex, Map<string, boolean>>();
const KNOWN_LIMIT = 50_000;

function knows(vocabulary: SearchIndex, s: string): boolean {
  let memo = knownMemo.get(vocabulary);
  if (!memo) knownMemo.set(vocabulary, (memo = new Map()));
  let known = memo.get(s);
  if (known === undefined) {
    known = vocabulary.term(s) >= 0;
    if (memo.size >= KNOWN_LIMIT) memo.clear();
    memo.set(s, known);
  }
  return known;
}

/** Turn text into phrase words: abbreviations expanded, words unknown to the vocabulary corrected. */
export function preparePhrase(text: string, vocabulary?: SearchIndex): Phrase {
  const rewritten = queryRewriter().rewrite(text);
  const corrections: Phrase['corrections'] = [];
  const known = vocabulary ? (w: string) => vocabulary.stemOf(w) : undefined;
  const out: PhraseWord[] = [];
  for (let k = 0; k < rewritten.words.length; k++) {
    const w = rewritten.words[k]!;
    // The letter A after a word it follows in the index's texts ("vitamin a deficiency") weighs what a connecting
    // word weighs: a title with the letter takes it, and a path without it loses little.
    if (STOPWORDS.has(w.word) && !(vocabulary && isLetterA(rewritten.words, k, vocabulary.letterALeads))) continue;
    let word = w.word;
    let s = stem(word, known);
    // A word an expansion replaced is not corrected: the expansion says what it meant.
    if (vocabulary && !w.optional && !/[0-9]/.test(word) && !knows(vocabulary, s)) {
      const fix = vocabulary.corrections(word, 1)[0];
      if (fix) {
        const to = vocabulary.wordAt(fix.id);
        corrections.push({ from: word, to });
        word = to;
        s = stem(word, known);
      }
    }
    const number = /^([0-9]+)[a-z]+$/.exec(word)?.[1];
    // Words typed but replaced by an expansion still count ("heart attack" finds "Attack, heart").
    const weight = CONNECTORS.has(word) ? 0.3 : w.optional ? 0.9 : 1;
    out.push({ word, stem: s, weight, optional: w.optional, ...(number ? { number } : {}) });
    if (out.length >= Math.min(MAX_QUERY_WORDS, 30)) break;
  }
  const all = out.length >= 31 ? 0x7fffffff : (1 << out.length) - 1;
  return { words: out, expansions: rewritten.expansions, corrections, all, negated: out.some((w) => w.word === 'without' || w.word === 'no') };
}

/** Cost of each required title word the phrase lacks. */
export const MISS = 0.9;

/** Words of the phrase not in a mask. */
export function unusedWords(p: Phrase, used: number): string[] {
  return p.words.filter((w, i) => !(used & (1 << i)) && !w.optional && w.weight >= 1).map((w) => w.word);
}

/** Words of the phrase in a mask. */
export function usedWords(p: Phrase, used: number): string[] {
  return p.words.filter((_, i) => used & (1 << i)).map((w) => w.word);
}
