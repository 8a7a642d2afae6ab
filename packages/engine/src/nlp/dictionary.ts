import { readFileSync } from 'node:fs';
import type { CompiledIndexFile, CompiledTerm } from '../icd10cm/alphabetic-index.js';
import { MAX_KEY_TERMS, phraseTerms } from './keys.js';
import { canonicalWord, synonymData, termOf, wordFilters } from './normalize.js';

/**
 * The concept dictionary of an ICD-10-CM release, built at import time from
 * the Alphabetic Index (main terms with their subterm paths), the Table of
 * Neoplasms, the External Cause Index, the Tabular List's titles and
 * inclusion terms, and phrase lexicons kept as data. Each entry is a bag of
 * matching terms (see keys.ts) leading to a code; the entries are stored as
 * a token trie (rarest term first, then the others in term order) so a note
 * is matched by walking the trie, never by looping over codes.
 */

export type ConceptSource = 'index' | 'neoplasm' | 'tabular' | 'inclusion' | 'eindex' | 'lexicon' | 'mined';

export const CONCEPT_SOURCES: readonly ConceptSource[] = ['index', 'neoplasm', 'tabular', 'inclusion', 'eindex', 'lexicon', 'mined'];

/** Data file of the dictionary in a compiled ICD-10-CM release folder. */
export const CONCEPTS_FILE = 'concepts.json';
export const CONCEPTS_FORMAT = 1;

export interface ConceptEntry {
  terms: string[];
  code: string;
  /** Manifestation code the index prints in brackets after the code. */
  manif?: string;
  source: ConceptSource;
  /** Where it came from: an index path ("Diabetes, diabetic > with > chronic kidney disease") or a title. */
  label: string;
  /** Lower wins when two entries share a key. */
  priority: number;
  /** Mined entries: precision on the corpus they were mined from (0–1), and how many documents supported them. */
  precision?: number;
  support?: number;
}

/** What the compiler needs of a release's tabular part. */
export interface DictionaryCodes {
  has(code: string): boolean;
  titles(): Iterable<{ code: string; title: string; billable: boolean; inclusion?: readonly string[] }>;
}

/** The compiled, serialisable dictionary. */
export interface CompiledConcepts {
  format: number;
  vocab: string[];
  entries: {
    code: string[];
    /** Manifestation codes by entry index (sparse). */
    manif: Record<string, string>;
    source: number[];
    label: string[];
    size: number[];
    /** Precision × 1000 for mined entries, 0 otherwise. */
    precision: number[];
    support: number[];
  };
  /** Trie: node i's edges are [edgeStart[i], edgeStart[i+1]) in edgeTerm (ascending) / edgeChild; its entries [entryStart[i], entryStart[i+1]) in entryOf. */
  trie: { edgeStart: number[]; edgeTerm: number[]; edgeChild: number[]; entryStart: number[]; entryOf: number[] };
  counts: Record<string, number>;
  /** Word forms the Alphabetic Index gives as one main term ("Atrophy, atrophic"): variant term → the term keys use. */
  variants?: Record<string, string>;
}

const NEOPLASM_WORDS_URL = new URL('../../data/nlp/neoplasm-words.json', import.meta.url);

/** Words of neoplasm-table sites that do not name a site on their own ("wall", "upper"). */
const GENERIC_SITE_WORDS = new Set(
  ['wall', 'lower', 'upper', 'part', 'overlapping', 'lesion', 'specified', 'margin', 'surface', 'border', 'region', 'anterior', 'posterior', 'lateral', 'medial', 'inner', 'outer', 'middle', 'main', 'tip', 'body', 'base', 'junction', 'external', 'internal', 'left', 'right', 'skin', 'connective', 'tissue', 'soft', 'bone', 'cartilage', 'muscle', 'nerve', 'vessel', 'duct', 'gland', 'lymph', 'node', 'mucosa', 'membrane', 'sac', 'fold', 'floor', 'roof', 'angle', 'canal', 'cavity', 'process', 'orifice', 'ligament', 'fat', 'aspect', 'area', 'contiguous', 'sites', 'site', 'unspecified', 'other', 'multiple', 'large', 'small', 'cystic', 'metastatic', 'accessory', 'nec', 'primary', 'secondary', 'ill-defined', 'ill', 'defined'].map((w) => termOf(w)),
);

/** Head words a note often leaves out ("HIV" for "HIV disease"): never required from a nonessential modifier. */
const GENERIC_HEADS = new Set(['disease', 'syndrome'].map((w) => termOf(w)));

/** Optional qualifiers of main terms ("Fracture, traumatic" is any fracture not said to be pathological). */
const OPTIONAL_QUALIFIERS = new Set(['traumatic', 'nontraumatic']);

/** Shared prefix length of two words. */
function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The words of a main term that a note must contain: its first part, and the
 * parts after commas that qualify it ("Fracture, pathological") rather than
 * restate it ("Diabetes, diabetic").
 */
export function mainTermTerms(title: string): string[] {
  const parts = title.replace(/\([^()]*\)/g, ' ').split(/,\s*/).map((p) => p.trim()).filter(Boolean);
  const first = parts[0] ?? '';
  const out = phraseTerms(first);
  for (const p of parts.slice(1)) {
    const w = p.toLowerCase();
    if (OPTIONAL_QUALIFIERS.has(w)) continue;
    if (commonPrefix(w, first.toLowerCase()) >= Math.min(5, first.length - 1)) continue;
    for (const t of phraseTerms(p)) if (!out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * Words that the index file's nonessential modifiers carry outside any
 * parenthesis: the title read on past a parenthesis ("Normocytic anemia
 * (infectional) due to blood loss (chronic)"), so required words. An "or"
 * among them offers a choice, which a bag of words cannot require.
 */
export function requiredInNonessential(n: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of n) {
    let rest = s;
    for (let prev = ''; prev !== rest; ) {
      prev = rest;
      rest = rest.replace(/\([^()]*\)/g, ' ');
    }
    rest = rest.replace(/[()]/g, ' ').trim();
    // "(s), xanthomatosis": another name after a comma is an alternative, not more words.
    if (!rest || rest.startsWith(',') || /\bor\b/i.test(rest)) continue;
    for (const x of phraseTerms(rest)) if (!out.includes(x) && !GENERIC_HEADS.has(x)) out.push(x);
  }
  return out;
}

/**
 * Word forms the Alphabetic Index files under one main term: "Atrophy,
 * atrophic", "Calculus, calculi"; and main terms that are only a "see" to
 * another one-word main term ("Lithiasis — see Calculus", "Ulcus — see
 * Ulcer"). The stemmer keeps many such pairs apart ("atrophi" and "atroph");
 * the index says they are one word, so each variant is read as the main
 * term's own word. Only one-word parts sharing at least four first letters
 * count; a variant claimed by two main terms, a word with a synonym of its own
 * (data/nlp/synonyms.json) and the words of filters.json `notVariants` are
 * left alone.
 */
export function indexVariants(file: CompiledIndexFile): Map<string, string> {
  const claims = new Map<string, Set<string>>();
  const claim = (variant: string, term: string) => {
    let set = claims.get(variant);
    if (!set) claims.set(variant, (set = new Set()));
    set.add(term);
  };
  const heads = new Set<string>();
  /** How many main terms each head term starts ("Abnormity" and "Abnormal" share "abnorm"). */
  const headCount = new Map<string, number>();
  /** Main terms that are only a "see" to another one-word main term ("Lithiasis — see Calculus"): the same word. */
  const seeOnly = new Set<string>();
  const excluded = new Set(wordFilters().notVariants);
  const oneTerm = (word: string): string | undefined => {
    if (/[\s,-]/.test(word) || excluded.has(word) || canonicalWord(word) !== undefined) return undefined;
    const t = phraseTerms(word);
    return t.length === 1 ? t[0] : undefined;
  };
  for (const letter of file.letters) {
    for (const main of letter.k) {
      const parts = main.t.replace(/\([^()]*\)/g, ' ').split(/,\s*/).map((p) => p.trim().toLowerCase()).filter(Boolean);
      const first = parts[0];
      const head = first === undefined ? undefined : oneTerm(first);
      if (!first || !head) continue;
      heads.add(head);
      headCount.set(head, (headCount.get(head) ?? 0) + 1);
      for (const p of parts.slice(1)) {
        const v = commonPrefix(p, first) >= 4 ? oneTerm(p) : undefined;
        if (v && v !== head) claim(v, head);
      }
      // The "see" of a main term with no code and no subterms names the term the index files it under.
      const see = (main.s ?? main.a)?.trim().toLowerCase();
      if (parts.length === 1 && !main.c && !main.k?.length && see && see !== 'condition') {
        const target = oneTerm(see);
        if (target && target !== head) {
          claim(head, target);
          seeOnly.add(head);
        }
      }
    }
  }
  // A variant that is a main term of its own keeps its entries apart, unless that main term is only a "see".
  const out = new Map<string, string>();
  for (const [v, set] of claims) if (set.size === 1 && (!heads.has(v) || (seeOnly.has(v) && headCount.get(v) === 1))) out.set(v, [...set][0]!);
  // A target that is itself read as another word is no longer a term of the dictionary: such pairs are left out.
  for (const [v, t] of [...out]) if (out.has(t)) out.delete(v);
  return out;
}

/** Subterm titles that add no words: connectors. A subterm starting with "without" is not a concept a note states. */
function subtermTerms(title: string): string[] | null {
  if (/^without\b/i.test(title.trim())) return null;
  return phraseTerms(title);
}

export class DictionaryBuilder {
  private readonly byKey = new Map<string, ConceptEntry[]>();
  readonly counts: Record<string, number> = {};
  private dropped = 0;
  private variants = new Map<string, string>();

  constructor(private readonly codes: DictionaryCodes) {}

  /** Read these word forms as the term they stand for in every key added from now on. */
  useVariants(variants: ReadonlyMap<string, string>): void {
    this.variants = new Map(variants);
  }

  /** The code as the release knows it, or undefined when the release has no such code. */
  resolve(code: string | undefined): string | undefined {
    if (!code) return undefined;
    let c = code.trim().toUpperCase().replace(/[.-]+$/, '');
    if (c.length > 3 && c[3] !== '.') c = `${c.slice(0, 3)}.${c.slice(3)}`;
    if (this.codes.has(c)) return c;
    // Drop placeholder X written by the index when the release lists the stem.
    const bare = c.replace(/X+$/, '').replace(/\.$/, '');
    if (bare !== c && this.codes.has(bare)) return bare;
    return undefined;
  }

  add(given: ConceptEntry): void {
    // An entry read through a variant gives way to the entry written with the word itself (its label is what the note says).
    const remapped = this.variants.size > 0 && given.terms.some((t) => this.variants.has(t));
    const entry = remapped ? { ...given, terms: [...new Set(given.terms.map((t) => this.variants.get(t) ?? t))], priority: given.priority + 0.5 } : given;
    if (entry.terms.length === 0 || entry.terms.length > MAX_KEY_TERMS) return;
    const f = wordFilters();
    if (entry.terms.length === 1 && entry.source !== 'lexicon' && entry.source !== 'mined' && f.notAlone.has(entry.terms[0]!)) return;
    if (entry.source !== 'lexicon' && f.blockCodes.some((p) => entry.code.startsWith(p))) return;
    const key = [...entry.terms].sort().join(' ');
    const list = this.byKey.get(key);
    const cls = (s: ConceptSource) => (s === 'eindex' ? 'e' : s === 'mined' ? 'm' : 'd');
    if (!list) {
      this.byKey.set(key, [entry]);
      return;
    }
    const same = list.findIndex((e) => cls(e.source) === cls(entry.source));
    if (same === -1) list.push(entry);
    else if (entry.priority < list[same]!.priority) list[same] = entry;
  }

  private count(name: string): void {
    this.counts[name] = (this.counts[name] ?? 0) + 1;
  }

  /** Every coded path of the Alphabetic Index (or External Cause Index). */
  addIndex(file: CompiledIndexFile, source: 'index' | 'eindex'): void {
    for (const c of indexCandidates(file)) {
      const resolved = this.resolve(c.code);
      if (!resolved) {
        this.dropped++;
        continue;
      }
      const m = this.resolve(c.manif);
      this.add({ terms: c.terms, code: resolved, ...(m ? { manif: m } : {}), source, label: c.label, priority: c.priority });
      this.count(source);
    }
  }

  /** Rows of the Table of Neoplasms, each with the behaviour words of its columns. */
  addNeoplasms(file: CompiledIndexFile): void {
    for (const c of neoplasmCandidates(file)) {
      const resolved = this.resolve(c.cell);
      if (!resolved) continue;
      this.add({ terms: c.terms, code: resolved, source: 'neoplasm', label: c.label, priority: c.priority });
      this.count('neoplasm');
    }
  }

  /** Titles of codes and headers, and inclusion terms, of the Tabular List (or order file). */
  addTabular(): void {
    for (const { code, title, billable, inclusion } of this.codes.titles()) {
      const main = title.replace(/\s+without\b.*$/i, '').replace(/,\s*(unspecified|not elsewhere classified|NEC)\b.*$/i, '');
      if (!/^other\b/i.test(main.trim())) {
        this.add({ terms: phraseTerms(main), code, source: 'tabular', label: title, priority: billable ? 30 : 40 });
        this.count('tabular');
      }
      for (const inc of inclusion ?? []) {
        this.add({ terms: phraseTerms(inc), code, source: 'inclusion', label: inc, priority: billable ? 35 : 45 });
        this.count('inclusion');
      }
    }
  }

  /** A phrase lexicon (curated or mined); codes the release lacks are left out. */
  addLexicon(rows: ReadonlyArray<{ phrase: string; code: string; precision?: number; support?: number }>, source: 'lexicon' | 'mined'): void {
    for (const r of rows) {
      const code = this.resolveLexiconCode(r.code);
      if (!code) {
        this.dropped++;
        continue;
      }
      const terms = phraseTerms(r.phrase);
      if (source === 'mined' && (r.support ?? 0) < wordFilters().minedUnrelatedSupport && !this.namesCategory(terms, code)) {
        this.count('mined-unrelated');
        continue;
      }
      this.add({ terms, code, source, label: r.phrase, priority: source === 'lexicon' ? 5 : 50, ...(r.precision !== undefined ? { precision: r.precision } : {}), ...(r.support !== undefined ? { support: r.support } : {}) });
      this.count(source);
    }
  }

  /** Terms of every entry not mined, by code category (the first three characters). */
  private categoryTerms: Map<string, Set<string>> | undefined;

  /**
   * Does a learned phrase share a word with what the index, the tabular list or the curated lexicon
   * write for the code's category? A phrase seen beside a code in a few coded notes without any of its
   * words ("total proteins" beside edema, "copies" beside HIV disease) goes with those cases, not with
   * the concept. An abbreviation counts as the words it stands for (synonyms.json), an index variant
   * as its main term.
   */
  private namesCategory(terms: readonly string[], code: string): boolean {
    if (!this.categoryTerms) {
      this.categoryTerms = new Map();
      for (const list of this.byKey.values()) {
        for (const e of list) {
          if (e.source === 'mined') continue;
          const category = e.code.slice(0, 3);
          let set = this.categoryTerms.get(category);
          if (!set) this.categoryTerms.set(category, (set = new Set()));
          for (const t of e.terms) set.add(t);
        }
      }
    }
    const known = this.categoryTerms.get(code.slice(0, 3));
    if (!known) return false;
    const { abbreviations } = synonymData();
    return terms.some((t) => known.has(t) || known.has(this.variants.get(t) ?? t) || phraseTerms(abbreviations[t] ?? '').some((x) => known.has(x)));
  }

  /** A lexicon code of another edition: as is, or its stem when the release added a 7th character. */
  private resolveLexiconCode(code: string): string | undefined {
    return this.resolve(code);
  }

  build(): CompiledConcepts {
    // Document frequency of each term among keys decides the term ids: common terms low, rare terms high.
    const df = new Map<string, number>();
    const keys = [...this.byKey.keys()].sort();
    for (const k of keys) for (const t of this.byKey.get(k)![0]!.terms) df.set(t, (df.get(t) ?? 0) + 1);
    const vocab = [...df.keys()].sort((a, b) => df.get(b)! - df.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    const id = new Map(vocab.map((t, i) => [t, i]));
    const entries: CompiledConcepts['entries'] = { code: [], manif: {}, source: [], label: [], size: [], precision: [], support: [] };
    interface Node {
      edges: Map<number, Node>;
      entries: number[];
    }
    const root: Node = { edges: new Map(), entries: [] };
    for (const k of keys) {
      const list = this.byKey.get(k)!;
      const ids = list[0]!.terms.map((t) => id.get(t)!).sort((a, b) => a - b);
      const anchor = ids.pop()!;
      const path = [anchor, ...ids];
      let node = root;
      for (const t of path) {
        let next = node.edges.get(t);
        if (!next) node.edges.set(t, (next = { edges: new Map(), entries: [] }));
        node = next;
      }
      for (const e of list) {
        const i = entries.code.length;
        entries.code.push(e.code);
        if (e.manif) entries.manif[i] = e.manif;
        entries.source.push(CONCEPT_SOURCES.indexOf(e.source));
        entries.label.push(e.label);
        entries.size.push(e.terms.length);
        entries.precision.push(e.precision !== undefined ? Math.round(e.precision * 1000) : 0);
        entries.support.push(e.support ?? 0);
        node.entries.push(i);
      }
    }
    // Breadth-first layout.
    const trie: CompiledConcepts['trie'] = { edgeStart: [], edgeTerm: [], edgeChild: [], entryStart: [], entryOf: [] };
    const order: Node[] = [root];
    for (let i = 0; i < order.length; i++) {
      const n = order[i]!;
      trie.edgeStart.push(trie.edgeTerm.length);
      trie.entryStart.push(trie.entryOf.length);
      for (const e of n.entries) trie.entryOf.push(e);
      for (const t of [...n.edges.keys()].sort((a, b) => a - b)) {
        trie.edgeTerm.push(t);
        trie.edgeChild.push(order.length);
        order.push(n.edges.get(t)!);
      }
    }
    trie.edgeStart.push(trie.edgeTerm.length);
    trie.entryStart.push(trie.entryOf.length);
    return {
      format: CONCEPTS_FORMAT,
      vocab,
      entries,
      trie,
      counts: { ...this.counts, keys: keys.length, entries: entries.code.length, nodes: order.length, terms: vocab.length, droppedCodes: this.dropped, variants: this.variants.size },
      ...(this.variants.size ? { variants: Object.fromEntries([...this.variants].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) } : {}),
    };
  }
}

/**
 * An entry an index file offers before the release's codes are checked. A
 * file's candidates are the same for every release that reads it (releases
 * from FY2018 on borrow the FY2017 Alphabetic Index), so they are found once
 * per file and kept with it; a release only resolves their codes. Their term
 * lists are shared and never changed.
 */
interface Candidate {
  terms: string[];
  label: string;
  priority: number;
}

const indexCandidateCache = new WeakMap<CompiledIndexFile, Array<Candidate & { code: string; manif?: string }>>();

/** The coded paths of an Alphabetic Index (or External Cause Index), in walk order. */
function indexCandidates(file: CompiledIndexFile): ReadonlyArray<Candidate & { code: string; manif?: string }> {
  let out = indexCandidateCache.get(file);
  if (out) return out;
  const list: Array<Candidate & { code: string; manif?: string }> = [];
  const skip = wordFilters().skipMainTerms;
  const visit = (t: CompiledTerm, terms: string[], path: string[], depth: number) => {
    if (depth === 0 && skip.has(t.t)) return;
    const title = depth === 0 ? mainTermTerms(t.t) : subtermTerms(t.t);
    if (title === null) return;
    const own = [...title];
    for (const x of t.n ? requiredInNonessential(t.n) : []) if (!own.includes(x)) own.push(x);
    // A subterm of connecting words only ("His" read as a pronoun, "in") adds no words: its code is not the parent's concept.
    const addSelf = !(depth > 0 && own.length === 0 && !/^(specified|unspecified|other|nec|nos)\b/i.test(t.t.trim()));
    const all = [...terms];
    for (const x of own) if (!all.includes(x)) all.push(x);
    const p = [...path, t.t];
    let code = t.c;
    let manif = t.m;
    // "see" leads to the entry that codes the term; so does a subterm's "see also" when it has no code of its own.
    // (A main term's "see also" points at a whole other main term, whose first code is not this word's meaning: "Sinus" is not a fistula.)
    const see = t.s ?? (depth > 0 ? t.a : undefined);
    if (!code && see) {
      const target = findSee(file, see);
      if (target?.c) {
        code = target.c;
        manif = target.m;
      }
    }
    if (code && addSelf) list.push({ terms: all, code, ...(manif ? { manif } : {}), label: p.join(' > '), priority: 10 + depth });
    for (const k of t.k ?? []) visit(k, all, p, depth + 1);
  };
  for (const letter of file.letters) for (const main of letter.k) visit(main, [], [], 0);
  indexCandidateCache.set(file, (out = list));
  return out;
}

const neoplasmCandidateCache = new WeakMap<CompiledIndexFile, Array<Candidate & { cell: string }>>();

/** The rows of a Table of Neoplasms with the behaviour words of each filled column, in walk order. */
function neoplasmCandidates(file: CompiledIndexFile): ReadonlyArray<Candidate & { cell: string }> {
  let out = neoplasmCandidateCache.get(file);
  if (out) return out;
  const list: Array<Candidate & { cell: string }> = [];
  const words = JSON.parse(readFileSync(NEOPLASM_WORDS_URL, 'utf8')) as { columns: Record<string, string[]> };
  const columns = file.columns ?? [];
  const behaviours = Object.entries(words.columns).map(([name, list]) => ({ pos: columns.indexOf(name), name, keys: list.map((w) => phraseTerms(w)) }));
  const visit = (t: CompiledTerm, site: string[], path: string[], depth: number) => {
    const own = depth === 0 ? [] : mainTermTerms(t.t);
    const all = [...site];
    for (const x of own) if (!all.includes(x)) all.push(x);
    const p = depth === 0 ? [] : [...path, t.t];
    if (t.v && all.length > 0) {
      // A site nested under another ("intestine > large > colon") is also written by its own name.
      const leafAlone = depth >= 2 && own.length > 0 && own.some((x) => !GENERIC_SITE_WORDS.has(x));
      for (const b of behaviours) {
        if (b.pos < 0) continue;
        const cell = t.v[b.pos];
        if (!cell) continue;
        for (const k of b.keys) {
          for (const site of leafAlone ? [all, own] : [all]) {
            const terms = [...site];
            for (const x of k) if (!terms.includes(x)) terms.push(x);
            list.push({ terms, cell, label: `Neoplasm > ${p.join(' > ')} > ${b.name}`, priority: site === all ? 20 + depth : 28 + depth });
          }
        }
      }
    }
    for (const k of t.k ?? []) visit(k, all, p, depth + 1);
  };
  for (const letter of file.letters) for (const main of letter.k) visit(main, [], [], 0);
  neoplasmCandidateCache.set(file, (out = list));
  return out;
}

const mainByWord = new WeakMap<CompiledIndexFile, Map<string, CompiledTerm[]>>();

/** Resolve an index "see" reference ("Diabetes, type 1") to the entry it names. */
export function findSee(file: CompiledIndexFile, see: string): CompiledTerm | undefined {
  const parts = see.split(/,\s*/).map((p) => p.trim().toLowerCase()).filter(Boolean);
  const head = parts[0];
  if (!head) return undefined;
  let byWord = mainByWord.get(file);
  if (!byWord) {
    byWord = new Map();
    for (const letter of file.letters) {
      for (const main of letter.k) {
        const w = main.t.toLowerCase().split(/[ ,(]/)[0]!;
        const list = byWord.get(w);
        if (list) list.push(main);
        else byWord.set(w, [main]);
      }
    }
    mainByWord.set(file, byWord);
  }
  const first = head.split(' ')[0]!;
  for (const main of byWord.get(first) ?? []) {
    const t = main.t.toLowerCase();
    if (!(t === head || t.startsWith(`${head},`) || t.startsWith(`${head} (`) || !head.includes(' '))) continue;
    let cur: CompiledTerm | undefined = main;
    for (const p of parts.slice(1)) {
      cur = cur?.k?.find((k) => k.t.toLowerCase() === p || k.t.toLowerCase().replace(/\s*\(.*\)$/, '') === p);
      if (!cur) break;
    }
    if (cur) return cur;
  }
  return undefined;
}
