import { readFileSync } from 'node:fs';
import type { ClinicalDocument } from '../document/document.js';
import type { SectionKind } from '../document/sections.js';
import { CONCEPT_SOURCES, type CompiledConcepts, type ConceptSource } from './dictionary.js';
import { phraseTerms } from './keys.js';
import { isSiteAdjective, isStopWord, synonymData, termOf, wordFilters } from './normalize.js';

/**
 * Matching a note against the concept dictionary: the trie is walked from
 * each term of a sentence (as the rarest term of a key), taking the other
 * terms of the key from a window around it, in any order. Long matches win
 * over the short ones they contain.
 */

export interface ConceptMatch {
  entry: number;
  code: string;
  manif?: string;
  source: ConceptSource;
  label: string;
  /** Number of terms in the key. */
  size: number;
  precision: number;
  support: number;
  /** Document token indices of the matched words, ascending. */
  tokens: number[];
  sentence: number;
  /** Offsets of the covered text (first to last matched word). */
  start: number;
  end: number;
  /** True when the matched words are contiguous apart from stop words. */
  contiguous: boolean;
  /** A longer match in the same words covers this one. */
  subsumedBy?: number;
}

const MINED = CONCEPT_SOURCES.indexOf('mined');

/** Added to a cached word id when the word is an adjective read as a noun's term. */
const ADJECTIVE_FLAG = 1 << 28;

const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'i', 'ii', 'iii', 'iv', 'v']);

/** Every number among the matched tokens has another matched token within two tokens of it. */
function numbersAttached(doc: ClinicalDocument, tokens: readonly number[]): boolean {
  if (tokens.length < 2) return true;
  for (const i of tokens) {
    const t = doc.tokens[i]!;
    if (!(t.kind === 'number' || /^[0-9]/.test(t.norm) || NUMBER_WORDS.has(t.norm))) continue;
    if (!tokens.some((j) => j !== i && Math.abs(j - i) <= 2)) return false;
  }
  return true;
}

/** Is the folded word shaped like an adjective: a body site's adjective, or an adjective's ending (filters.json `adjectiveEndings`)? */
function looksAdjective(norm: string): boolean {
  return isSiteAdjective(norm) || wordFilters().adjectiveEndings.some((e) => norm.length > e.length + 2 && norm.endsWith(e));
}

/** Most words the other item of a coordinated modifier may have ("abdominal and [lower back] pain"). */
const MAX_CONJUNCT = 2;

/**
 * Do the matched words read as modifiers coordinated before one head they share: "abdominal and
 * lumbar pain" is abdominal pain and lumbar pain? The key's words before the coordinator are
 * adjectives running up to it; those after it follow the other item (one or two words the key does
 * not use, the last an adjective) and end the span on a word that is no adjective, the head. "Blood
 * and urine tests" is no such thing: a word of the key follows the coordinator at once. Only spans
 * with one coordinator and no comma are asked.
 */
export function sharesHead(doc: ClinicalDocument, tokens: readonly number[]): boolean {
  const { coordinators } = wordFilters();
  let join = -1;
  for (let i = tokens[0]!; i <= tokens[tokens.length - 1]!; i++) {
    if (coordinators.has(doc.tokens[i]!.norm) && !tokens.includes(i)) {
      join = i;
      break;
    }
  }
  if (join < 0) return false;
  const right = tokens.find((i) => i > join);
  if (right === undefined) return false;
  // Before the coordinator: the key's words, modifiers all, with stop words only between them.
  for (let i = tokens[0]!; i < join; i++) {
    const norm = doc.tokens[i]!.norm;
    if (tokens.includes(i) ? !looksAdjective(norm) : !isStopWord(norm)) return false;
  }
  // The other item: content words between the coordinator and the first key word after it.
  let conjunct = 0;
  let last = '';
  for (let i = join + 1; i < right; i++) {
    const t = doc.tokens[i]!;
    if (t.kind === 'punct') return false;
    if (!isStopWord(t.norm)) {
      conjunct++;
      last = t.norm;
    }
  }
  // The other item is a modifier as well ("ocular"), not a noun with words of its own ("difficulty to move his neck").
  if (conjunct === 0 || conjunct > MAX_CONJUNCT || !looksAdjective(last)) return false;
  // After it the key's words run to the end of the span, which is the head.
  const end = tokens[tokens.length - 1]!;
  for (let i = right; i <= end; i++) if (!tokens.includes(i) && !isStopWord(doc.tokens[i]!.norm)) return false;
  return !looksAdjective(doc.tokens[end]!.norm);
}

const NEOPLASM_WORDS_URL = new URL('../../data/nlp/neoplasm-words.json', import.meta.url);

/** Entries leading to a column's codes, whose site a word such as "from" marks as the origin (data/nlp/neoplasm-words.json `origin`). */
interface OriginRule {
  entries: Set<number>;
  /** Terms of the column's behaviour words: they are not site words. */
  behaviour: Set<number>;
  markers: Set<string>;
}

/** Farthest a key's other terms may be from its anchor (tokens). */
const MAX_REACH = 10;

export class ConceptDictionary {
  readonly vocab: readonly string[];
  private readonly termId = new Map<string, number>();
  private readonly edgeStart: Int32Array;
  private readonly edgeTerm: Int32Array;
  private readonly edgeChild: Int32Array;
  private readonly entryStart: Int32Array;
  private readonly entryOf: Int32Array;
  /** Root child of each term id (-1: the term anchors no key). */
  private readonly rootChild: Int32Array;
  readonly entryCode: readonly string[];
  readonly entryLabel: readonly string[];
  private readonly entrySource: Int8Array;
  private readonly entrySize: Int8Array;
  private readonly entryPrecision: Int16Array;
  private readonly entrySupport: Int32Array;
  private readonly entryManif: Readonly<Record<string, string>>;
  /** Abbreviation expansions as term ids, by folded word. */
  private readonly abbreviations = new Map<string, number[]>();
  private readonly ambiguous = new Map<string, Set<string>>();
  /** Matching term id of each folded word (cache). */
  private readonly wordIds = new Map<string, number>();
  /** Token positions that carry several terms (expanded abbreviations) in the document being matched. */
  private readonly multi = new Set<number>();
  /** Length of the longest abbreviation (longer words are not looked up as abbreviations). */
  private longestAbbreviation = 0;
  /** Matching terms read as another word's term (index variants). */
  private readonly variantTerms = new Set<string>();
  /** Token positions holding an adjective read as a noun's term, in the term array `variantsOf` was made for. */
  private readonly variantAt = new Set<number>();
  private variantsOf: Array<number | number[]> | undefined;
  /** Neoplasm entries that do not match when their site is written as the origin ("metastasis from …"). */
  private readonly origin: OriginRule | undefined;
  /** Term ids at each token of the document being matched. */
  private currentTerms: Array<number | number[]> = [];
  /** Term ids of the sentence being matched, ascending. */
  private sentenceTerms: number[] = [];

  constructor(readonly data: CompiledConcepts) {
    this.vocab = data.vocab;
    data.vocab.forEach((t, i) => this.termId.set(t, i));
    // A word form the index files under another word's main term reads as that word (dictionary.ts indexVariants).
    for (const [variant, term] of Object.entries(data.variants ?? {})) {
      const id = this.termId.get(term);
      if (id !== undefined && !this.termId.has(variant)) {
        this.termId.set(variant, id);
        this.variantTerms.add(variant);
      }
    }
    const t = data.trie;
    this.edgeStart = Int32Array.from(t.edgeStart);
    this.edgeTerm = Int32Array.from(t.edgeTerm);
    this.edgeChild = Int32Array.from(t.edgeChild);
    this.entryStart = Int32Array.from(t.entryStart);
    this.entryOf = Int32Array.from(t.entryOf);
    this.rootChild = new Int32Array(data.vocab.length).fill(-1);
    for (let e = this.edgeStart[0]!; e < this.edgeStart[1]!; e++) this.rootChild[this.edgeTerm[e]!] = this.edgeChild[e]!;
    this.entryCode = data.entries.code;
    this.entryLabel = data.entries.label;
    this.entrySource = Int8Array.from(data.entries.source);
    this.entrySize = Int8Array.from(data.entries.size);
    this.entryPrecision = Int16Array.from(data.entries.precision);
    this.entrySupport = Int32Array.from(data.entries.support);
    this.entryManif = data.entries.manif;
    const syn = synonymData();
    for (const [abbr, phrase] of Object.entries(syn.abbreviations)) {
      const ids = phraseTerms(phrase).map((x) => this.termId.get(x)).filter((x): x is number => x !== undefined);
      if (ids.length) this.abbreviations.set(abbr, ids);
    }
    for (const [abbr, sections] of Object.entries(syn.ambiguous)) this.ambiguous.set(abbr, new Set(sections));
    for (const k of this.abbreviations.keys()) this.longestAbbreviation = Math.max(this.longestAbbreviation, k.length);
    this.origin = this.originRule();
  }

  private originRule(): OriginRule | undefined {
    const words = JSON.parse(readFileSync(NEOPLASM_WORDS_URL, 'utf8')) as {
      columns: Record<string, string[]>;
      origin?: Record<string, { codes: string[]; markers: string[] }>;
    };
    const rule: OriginRule = { entries: new Set(), behaviour: new Set(), markers: new Set() };
    for (const [column, { codes, markers }] of Object.entries(words.origin ?? {})) {
      for (const m of markers) rule.markers.add(m);
      for (const w of words.columns[column] ?? []) for (const t of phraseTerms(w)) if (this.termId.has(t)) rule.behaviour.add(this.termId.get(t)!);
      for (let e = 0; e < this.entryCode.length; e++) if (codes.some((c) => this.entryCode[e]!.startsWith(c))) rule.entries.add(e);
    }
    return rule.entries.size ? rule : undefined;
  }

  /** A site word among the matched tokens has an origin marker just before it ("from the kidney"). */
  private siteIsOrigin(doc: ClinicalDocument, tokens: readonly number[]): boolean {
    const rule = this.origin!;
    for (const i of tokens) {
      const x = this.currentTerms[i];
      if (x === undefined || (typeof x === 'number' ? rule.behaviour.has(x) : x.some((id) => rule.behaviour.has(id)))) continue;
      for (let j = i - 1; j >= 0 && j >= i - 4; j--) {
        const t = doc.tokens[j]!;
        if (rule.markers.has(t.norm)) return true;
        if (t.kind === 'punct' || !isStopWord(t.norm) || t.sentence !== doc.tokens[i]!.sentence) break;
      }
    }
    return false;
  }

  /** The entry's label joins its own words the way the note does (filters.json `coordinators`, `joinedBy`; a comma). */
  private listedInLabel(entry: number, join: boolean, comma: boolean): boolean {
    const label = this.entryLabel[entry]!.toLowerCase();
    if (comma && label.includes(',')) return true;
    if (!join) return false;
    const { joinedBy } = wordFilters();
    return label.split(/[^a-z]+/).some((w) => joinedBy.has(w));
  }

  get size(): number {
    return this.entryCode.length;
  }

  /** The id of a matching term, or undefined when no key uses it. */
  idOf(term: string): number | undefined {
    return this.termId.get(term);
  }

  sourceOf(entry: number): ConceptSource {
    return CONCEPT_SOURCES[this.entrySource[entry]!]!;
  }

  /**
   * The matching term id of a folded word (-1: none), plus ADJECTIVE_FLAG when
   * the word is an adjective read as a noun's term (see isVariant); cached.
   */
  private wordId(norm: string): number {
    let id = this.wordIds.get(norm);
    if (id === undefined) {
      id = isStopWord(norm) ? -1 : (this.termId.get(termOf(norm)) ?? -1);
      if (id >= 0 && this.isVariant(norm)) id += ADJECTIVE_FLAG;
      if (this.wordIds.size < 500_000) this.wordIds.set(norm, id);
    }
    return id;
  }

  /** Term ids at each token of the document (an abbreviation gives several). */
  termsOf(doc: ClinicalDocument): Array<number | number[]> {
    const out: Array<number | number[]> = new Array(doc.tokens.length);
    this.variantAt.clear();
    for (const tok of doc.tokens) {
      if (tok.kind === 'punct') {
        out[tok.index] = -1;
        continue;
      }
      const abbr = tok.norm.length <= this.longestAbbreviation ? this.abbreviations.get(tok.norm) : undefined;
      if (abbr) {
        const allowed = this.ambiguous.get(tok.norm);
        const section = doc.sections[doc.sentences[tok.sentence]?.section ?? 0]?.kind as SectionKind | undefined;
        // A short upper-case word is an abbreviation; "all" in lower case is a word.
        const looksAbbr = tok.text.length > 3 || tok.text === tok.text.toUpperCase() || /[0-9]/.test(tok.text);
        if ((!allowed || (section && allowed.has(section))) && looksAbbr) {
          out[tok.index] = abbr.length === 1 ? abbr[0]! : abbr;
          continue;
        }
      }
      const id = this.wordId(tok.norm);
      if (id >= ADJECTIVE_FLAG) {
        out[tok.index] = id - ADJECTIVE_FLAG;
        this.variantAt.add(tok.index);
      } else out[tok.index] = id;
    }
    this.variantsOf = out;
    return out;
  }

  /**
   * Is the folded word an adjective read as a noun's term: one the index files
   * under a noun's main term ("necrotic" under "Necrosis"), or a body site's
   * adjective ("tracheal")? Such a word names no concept alone.
   */
  private isVariant(norm: string): boolean {
    return isSiteAdjective(norm) || (this.variantTerms.has(termOf(norm)) && wordFilters().adjectiveEndings.some((e) => norm.endsWith(e)));
  }

  /** Every match in the document, sentence by sentence; subsumed matches are marked, not dropped. */
  match(doc: ClinicalDocument, terms: Array<number | number[]> = this.termsOf(doc)): ConceptMatch[] {
    const all: ConceptMatch[] = [];
    if (terms !== this.variantsOf) this.termsOf(doc);
    this.currentTerms = terms;
    this.multi.clear();
    terms.forEach((x, i) => typeof x !== 'number' && this.multi.add(i));
    for (const s of doc.sentences) {
      // Segment barrier: ';' splits a sentence for matching.
      const seg = new Int32Array(s.endToken - s.firstToken);
      let segNo = 0;
      const positions = new Map<number, number[]>();
      for (let i = s.firstToken; i < s.endToken; i++) {
        const tk = doc.tokens[i]!;
        if (tk.kind === 'punct' && tk.text === ';') segNo++;
        seg[i - s.firstToken] = segNo;
        const x = terms[i]!;
        if (typeof x === 'number') {
          if (x < 0) continue;
          const l = positions.get(x);
          if (l) l.push(i);
          else positions.set(x, [i]);
        } else {
          for (const id of x) {
            const l = positions.get(id);
            if (l) {
              if (l[l.length - 1] !== i) l.push(i);
            } else positions.set(id, [i]);
          }
        }
      }
      const first = s.firstToken;
      const near = (id: number, p: number): number => {
        const list = positions.get(id);
        if (!list) return -1;
        let best = -1;
        let bestD = MAX_REACH + 1;
        for (const q of list) {
          const d = q > p ? q - p : p - q;
          if (d < bestD && seg[q - first] === seg[p - first]) {
            bestD = d;
            best = q;
          }
        }
        return best;
      };
      this.sentenceTerms = [...positions.keys()].sort((a, b) => a - b);
      const found: ConceptMatch[] = [];
      for (let p = s.firstToken; p < s.endToken; p++) {
        const x = terms[p]!;
        if (typeof x === 'number') {
          if (x < 0) continue;
          const node = this.rootChild[x]!;
          if (node >= 0) this.walk(node, x, -1, [p], p, near, doc, s.index, found);
        } else {
          for (const anchor of x) {
            const node = this.rootChild[anchor]!;
            if (node >= 0) this.walk(node, anchor, -1, [p], p, near, doc, s.index, found);
          }
        }
      }
      markSubsumed(found);
      for (const m of found) all.push(m);
    }
    return all;
  }

  private walk(
    node: number,
    anchor: number,
    last: number,
    positions: number[],
    p: number,
    near: (id: number, p: number) => number,
    doc: ClinicalDocument,
    sentence: number,
    out: ConceptMatch[],
  ): void {
    const firstEntry = this.entryStart[node]!;
    const endEntry = this.entryStart[node + 1]!;
    let sorted: number[] | undefined;
    let gaps = 0;
    let commas = 0;
    let joins = 0;
    let attached = true;
    let shared = false;
    for (let k = firstEntry; k < endEntry; k++) {
      const entry = this.entryOf[k]!;
      if (!sorted) {
        // The same words for every entry of the node: measured once.
        sorted = [...new Set(positions)].sort((a, b) => a - b);
        // A parenthesis closed inside the span is an aside ("diastolic (congestive) heart failure"), the way
        // the index writes nonessential modifiers; only commas and unmatched parentheses separate a list.
        let open = 0;
        for (let i = sorted[0]!; i <= sorted[sorted.length - 1]!; i++) {
          const t = doc.tokens[i]!;
          if (sorted.includes(i)) continue;
          if (t.kind === 'punct') {
            if (t.text === ',') commas++;
            else if (t.text === '(') open++;
            else if (t.text === ')') {
              if (open > 0) open--;
              else commas++;
            }
          } else if (wordFilters().coordinators.has(t.norm)) joins++;
          else if (!isStopWord(t.norm)) gaps++;
        }
        commas += open;
        attached = numbersAttached(doc, sorted);
        shared = joins === 1 && commas === 0 && sharesHead(doc, sorted);
      }
      const size = this.entrySize[entry]!;
      if (size === 1 && this.variantAt.has(sorted[0]!)) continue;
      const span = sorted[sorted.length - 1]! - sorted[0]! + 1;
      if (span > 2 * size + 3) continue;
      // Words of a key scattered over a list ("arrhythmia, not murmurs") do not make a concept.
      if (gaps > 0 && commas > 0) continue;
      // Nor do words joined as items of a list ("blood and urine", "blood, urine"), unless the entry is itself written so.
      if ((joins > 0 || commas > 0) && !shared && !this.listedInLabel(entry, joins > 0, commas > 0)) continue;
      if (gaps > size) continue;
      // Learned phrases were seen as runs of words; they match only as runs.
      if (gaps > 0 && this.entrySource[entry] === MINED) continue;
      // A number qualifies the word next to it ("stage 2", "type 2"): it must stand by another word of the key.
      if (!attached) continue;
      if (this.origin?.entries.has(entry) && this.siteIsOrigin(doc, sorted)) continue;
      const manif = this.entryManif[entry];
      out.push({
        entry,
        code: this.entryCode[entry]!,
        ...(manif ? { manif } : {}),
        source: this.sourceOf(entry),
        label: this.entryLabel[entry]!,
        size,
        precision: this.entryPrecision[entry]! / 1000,
        support: this.entrySupport[entry]!,
        tokens: sorted,
        sentence,
        start: doc.tokens[sorted[0]!]!.start,
        end: doc.tokens[sorted[sorted.length - 1]!]!.end,
        contiguous: gaps === 0,
      });
    }
    const from = this.edgeStart[node]!;
    const to = this.edgeStart[node + 1]!;
    if (from === to) return;
    if (to - from > this.sentenceTerms.length) {
      // Many edges, few words in the sentence: look each word up among the edges.
      for (const term of this.sentenceTerms) {
        if (term <= last) continue;
        let lo = from;
        let hi = to;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.edgeTerm[mid]! < term) lo = mid + 1;
          else hi = mid;
        }
        if (lo < to && this.edgeTerm[lo] === term) this.follow(lo, anchor, positions, p, near, doc, sentence, out);
      }
    } else {
      for (let e = from; e < to; e++) if (this.edgeTerm[e]! > last) this.follow(e, anchor, positions, p, near, doc, sentence, out);
    }
  }

  /** Walk down edge e when its term is near the anchor. */
  private follow(
    e: number,
    anchor: number,
    positions: number[],
    p: number,
    near: (id: number, p: number) => number,
    doc: ClinicalDocument,
    sentence: number,
    out: ConceptMatch[],
  ): void {
    const term = this.edgeTerm[e]!;
    const q = near(term, p);
    if (q < 0 || (positions.includes(q) && !this.multi.has(q))) return;
    positions.push(q);
    this.walk(this.edgeChild[e]!, anchor, term, positions, p, near, doc, sentence, out);
    positions.pop();
  }
}

/** Mark matches whose words all belong to a longer match (or an equal one that is contiguous when they are not). */
export function markSubsumed(found: ConceptMatch[]): void {
  const order = found.map((m, i) => i).sort((a, b) => found[b]!.tokens.length - found[a]!.tokens.length || Number(found[b]!.contiguous) - Number(found[a]!.contiguous) || a - b);
  for (let oi = 0; oi < order.length; oi++) {
    const m = found[order[oi]!]!;
    for (let oj = 0; oj < oi; oj++) {
      const big = found[order[oj]!]!;
      if (big.subsumedBy !== undefined) continue;
      if (big.tokens.length < m.tokens.length) continue;
      if (big.tokens.length === m.tokens.length && (big.contiguous === m.contiguous || !big.contiguous)) continue;
      // Words scattered over a sentence do not hide a phrase written out in full.
      if (!big.contiguous && m.contiguous) continue;
      if (m.tokens.every((t) => big.tokens.includes(t))) {
        m.subsumedBy = big.entry;
        break;
      }
    }
  }
}
