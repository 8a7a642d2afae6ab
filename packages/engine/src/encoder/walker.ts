import { readFileSync } from 'node:fs';
import type { AlphabeticIndex, IndexTerm } from '../icd10cm/alphabetic-index.js';
import { queryRewriter } from './abbreviations.js';
import type { SearchIndex } from './search-index.js';
import { stem } from './stem.js';
import { CONNECTORS, INSTRUCTION_WORDS, MAX_QUERY_WORDS, STOPWORDS, words as wordsOf } from './tokenize.js';

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

export function titleWords(term: IndexTerm): TitleWords {
  let t = titleMemo.get(term);
  if (t) return t;
  const [first = '', ...later] = term.title.split(',');
  const req: string[] = [];
  const opt: string[] = [];
  const firstWords = wordsOf(first);
  for (const w of firstWords) {
    if (INSTRUCTION_WORDS.has(w)) continue;
    (CONNECTORS.has(w) ? opt : req).push(stem(w));
  }
  // After a main term's comma: variants of the main word ("Diabetes, diabetic") and implied senses
  // ("Fracture, traumatic") are optional; other qualifiers ("Fracture, pathological") are required.
  const root = (firstWords[0] ?? '').slice(0, 4);
  for (const w of wordsOf(later.join(' '))) {
    if (INSTRUCTION_WORDS.has(w) || STOPWORDS.has(w)) continue;
    const variant = !term.isMainTerm || w.startsWith(root) || walkRules().impliedQualifiers.has(w) || CONNECTORS.has(w);
    (variant ? opt : req).push(stem(w));
  }
  for (const w of wordsOf(term.nemod.join(' '))) if (!INSTRUCTION_WORDS.has(w) && !STOPWORDS.has(w)) opt.push(stem(w));
  t = { req, opt, connectorOnly: req.length === 0 && opt.length > 0, without: firstWords[0] === 'without' };
  titleMemo.set(term, t);
  return t;
}

/** Turn text into phrase words: abbreviations expanded, words unknown to the vocabulary corrected. */
export function preparePhrase(text: string, vocabulary?: SearchIndex): Phrase {
  const rewritten = queryRewriter().rewrite(text);
  const corrections: Phrase['corrections'] = [];
  const out: PhraseWord[] = [];
  for (const w of rewritten.words) {
    if (STOPWORDS.has(w.word)) continue;
    let word = w.word;
    if (vocabulary && !/[0-9]/.test(word) && vocabulary.term(stem(word)) < 0) {
      const fix = vocabulary.corrections(word, 1)[0];
      if (fix) {
        corrections.push({ from: word, to: vocabulary.words[fix.id]! });
        word = vocabulary.words[fix.id]!;
      }
    }
    const number = /^([0-9]+)[a-z]+$/.exec(word)?.[1];
    // Words typed but replaced by an expansion still count ("heart attack" finds "Attack, heart").
    const weight = CONNECTORS.has(word) ? 0.3 : w.optional ? 0.9 : 1;
    out.push({ word, stem: stem(word), weight, optional: w.optional, ...(number ? { number } : {}) });
    if (out.length >= Math.min(MAX_QUERY_WORDS, 30)) break;
  }
  const all = out.length >= 31 ? 0x7fffffff : (1 << out.length) - 1;
  return { words: out, expansions: rewritten.expansions, corrections, all, negated: out.some((w) => w.word === 'without' || w.word === 'no') };
}

/** Cost of each required title word the phrase lacks. */
const MISS = 0.9;

export interface Match {
  gain: number;
  used: number;
  missing: number;
}

/** Match a title against the unused words of a phrase. */
export function matchTitle(t: TitleWords, p: Phrase, used: number): Match {
  let gain = 0;
  let missing = 0;
  let u = used;
  const numbers: number[] = [];
  for (const r of t.req) {
    let hit = -1;
    for (let i = 0; i < p.words.length; i++) {
      if (u & (1 << i)) continue;
      const w = p.words[i]!;
      if (w.stem === r || w.number === r) {
        hit = i;
        break;
      }
    }
    // Stems that only differ in their ending ("myocardi"/"myocardium"): a weaker match.
    let partial = false;
    if (hit < 0 && r.length >= 6) {
      for (let i = 0; i < p.words.length; i++) {
        if (u & (1 << i)) continue;
        const ws = p.words[i]!.stem;
        if (ws.length >= 6 && (ws.startsWith(r) || r.startsWith(ws))) {
          hit = i;
          partial = true;
          break;
        }
      }
    }
    if (hit >= 0) {
      // A number belongs to the word beside it in the phrase ("type 2", "stage 3a").
      if (/^[0-9]/.test(r) && t.req.length > 1 && !((u | (1 << hit)) & ~used & ~(1 << hit) & ((1 << (hit - 1)) | (1 << (hit + 1))))) {
        numbers.push(hit);
        continue;
      }
      u |= 1 << hit;
      gain += p.words[hit]!.weight * (partial ? 0.8 : 1);
    } else missing++;
  }
  // Numbers met before their neighbour matched get a second look.
  for (const hit of numbers) {
    if (u & ~used & ((1 << (hit - 1)) | (1 << (hit + 1)))) {
      u |= 1 << hit;
      gain += p.words[hit]!.weight;
    } else missing++;
  }
  for (const o of t.opt) {
    for (let i = 0; i < p.words.length; i++) {
      if (u & (1 << i)) continue;
      const w = p.words[i]!;
      if (w.stem === o) {
        u |= 1 << i;
        gain += w.weight * 0.7;
        break;
      }
    }
  }
  return { gain: gain - MISS * missing, used: u, missing };
}

/** Children of a term by the stems of their titles, for terms with many subterms. */
interface ChildIndex {
  byStem: Map<string, IndexTerm[]>;
  connectors: IndexTerm[];
}
const childIndexMemo = new WeakMap<IndexTerm, ChildIndex>();

function childIndex(term: IndexTerm): ChildIndex {
  let ci = childIndexMemo.get(term);
  if (!ci) {
    ci = { byStem: new Map(), connectors: [] };
    for (const c of term.children) {
      const tw = titleWords(c);
      if (tw.connectorOnly) ci.connectors.push(c);
      for (const s of new Set([...tw.req, ...tw.opt])) {
        const list = ci.byStem.get(s);
        if (list) list.push(c);
        else ci.byStem.set(s, [c]);
      }
    }
    childIndexMemo.set(term, ci);
  }
  return ci;
}

/** Subterms worth trying for the unused words of a phrase. */
export function candidateChildren(term: IndexTerm, p: Phrase, used: number): readonly IndexTerm[] {
  if (term.children.length <= 16) return term.children;
  const ci = childIndex(term);
  const out = new Set<IndexTerm>(ci.connectors);
  for (let i = 0; i < p.words.length; i++) {
    if (used & (1 << i)) continue;
    const w = p.words[i]!;
    for (const c of ci.byStem.get(w.stem) ?? []) out.add(c);
    if (w.number) for (const c of ci.byStem.get(w.number) ?? []) out.add(c);
  }
  return [...out];
}

/** Main terms by the stems of their titles. */
const mainIndexMemo = new WeakMap<AlphabeticIndex, Map<string, IndexTerm[]>>();

export function candidateMainTerms(index: AlphabeticIndex, p: Phrase, used: number): IndexTerm[] {
  let m = mainIndexMemo.get(index);
  if (!m) {
    m = new Map();
    for (const t of index.mainTerms) {
      const tw = titleWords(t);
      for (const s of new Set([...tw.req, ...tw.opt.slice(0, 3)])) {
        const list = m.get(s);
        if (list) list.push(t);
        else m.set(s, [t]);
      }
    }
    mainIndexMemo.set(index, m);
  }
  const out = new Set<IndexTerm>();
  for (let i = 0; i < p.words.length; i++) {
    if (used & (1 << i)) continue;
    const w = p.words[i]!;
    if (w.weight < 0.5) continue;
    for (const t of m.get(w.stem) ?? []) out.add(t);
  }
  return [...out];
}

/** Words of the phrase not in a mask. */
export function unusedWords(p: Phrase, used: number): string[] {
  return p.words.filter((w, i) => !(used & (1 << i)) && !w.optional && w.weight >= 1).map((w) => w.word);
}

/** Words of the phrase in a mask. */
export function usedWords(p: Phrase, used: number): string[] {
  return p.words.filter((_, i) => used & (1 << i)).map((w) => w.word);
}
