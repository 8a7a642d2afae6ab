import { MedcoderError } from '../errors.js';
import { SectionReader, SectionWriter, StringPool, type FileHeader, type PieceTable, type StringTable } from './binary.js';
import { stem } from './stem.js';
import { buildDeletionIndex, corrections as findCorrections, type Correction } from './spell.js';
import { INSTRUCTION_WORDS, letterAPlaces, STOPWORDS, words as wordsOf } from './tokenize.js';

/**
 * The encoder's search structures for one release: written next to the
 * release's data at import time (search.bin) and opened with typed-array
 * views over the file when the release is searched, so nothing is rebuilt at
 * start-up: strings stay UTF-8 in the file and are decoded when shown, and
 * stems, words and codes are found through hash slots or binary search in
 * the file rather than through Maps built on opening.
 *
 * A "document" is a code (or a header, table or PCS prefix) in code order.
 * An "entry" is one text that leads to a document: its title, an inclusion
 * term, an Alphabetic Index path, a table row. Entries are what is ranked;
 * a document scores by its best entry. Index paths share their leading parts:
 * an entry's text is a path node (its parts up the tree) and a tail.
 */

export const SEARCH_FILE = 'search.bin';
export const SEARCH_FORMAT = 7;
const MAGIC = 0x4953434d; // "MCSI"

/** Where an entry's text comes from. */
export const ENTRY_KINDS = ['title', 'short', 'inclusion', 'index', 'see', 'eindex', 'drug', 'neoplasm', 'definition', 'includes'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

const UNSPECIFIED = stem('unspecified');

/** BM25 saturation and length normalisation (short fields, so a mild normalisation). */
export const K1 = 1.2;
export const B = 0.5;

/**
 * The BM25 factor of a term in an entry: tf (K1 + 1) / (tf + K1 (1 - B + B len / avg)), where
 * tf is the term's required occurrences (0, an optional word only, counts half) and len the
 * entry's required words. Postings are in the order of this factor, computed the same way at
 * build and query time, so the factor at any point of a list bounds the rest of the list.
 */
export function termFactor(tf: number, len: number, avg: number): number {
  const t = tf === 0 ? 0.5 : tf;
  return (t * (K1 + 1)) / (t + K1 * (1 - B + (B * len) / avg));
}

/** Signature bits a term may take: 62 of the 64 (the two left carry the entry's repeats, see SearchIndex.entrySig). */
const SIGNATURE_BITS = 62;

/**
 * The bits a term sets in an entry's signature: two of SIGNATURE_BITS (in
 * the low and high 32-bit words), picked by a multiplicative hash of the
 * term id (they may coincide). An entry's signature is the union over its
 * tokens, so a term whose bits are not all set is not in the entry (the
 * converse may fail).
 */
export function termSignature(term: number): { lo: number; hi: number } {
  return { lo: termSigLo(term), hi: termSigHi(term) };
}

/** The signature bits of a term (see termSignature) at `from` (0: low word's, 32: high word's), as int32. */
function termSigWord(term: number, from: number): number {
  const h = Math.imul(term + 1, 0x9e3779b1) >>> 0;
  const a = ((h >>> 16) * SIGNATURE_BITS) >>> 16;
  const b = ((h & 0xffff) * SIGNATURE_BITS) >>> 16;
  let w = 0;
  if (a >= from && a < from + 32) w |= 1 << (a - from);
  if (b >= from && b < from + 32) w |= 1 << (b - from);
  return w;
}

/** The low word of a term's signature bits (unsigned), without allocating. */
export function termSigLo(term: number): number {
  return termSigWord(term, 0) >>> 0;
}

/** The high word of a term's signature bits (unsigned), without allocating. */
export function termSigHi(term: number): number {
  return termSigWord(term, 32) >>> 0;
}

export interface SearchDocInput {
  code: string;
  title: string;
  billable: boolean;
  /** code, category, subcategory, extension, table, prefix, modifier, … */
  kind: string;
  /** ICD-10-CM chapter number or ICD-10-PCS section character. */
  chapter?: string;
}

export interface SearchEntryInput {
  code: string;
  kind: EntryKind;
  /** Text shown for the entry, and matched unless `match` is given. */
  text: string;
  /** The parts `text` starts with, joined by ", " (index paths): stored once for every entry that shares them. */
  path?: readonly string[];
  /** Text matched instead of `text`. */
  match?: string;
  /** Words that may match but need not (nonessential modifiers). */
  optional?: string;
}

export interface SearchIndexHeader extends FileHeader {
  system: string;
  release: string;
  docs: number;
  entries: number;
  terms: number;
  words: number;
  postings: number;
  avgLength: number;
  /** Bits of a token id (16 or 32); the top bit marks an optional token. */
  tokenBits: 16 | 32;
  kinds: string[];
  chapters: string[];
  /** Entries dropped because their code is not a document of the release. */
  dropped: number;
  /** Words a letter A follows in the texts (the letter of "hepatitis a"; see letterAPlaces); absent in files written before. */
  letterALeads?: string[];
}

/** A text's tokens: all, and split into required and optional ("unspecified"), with the surface words seen. */
interface TextTokens {
  terms: readonly string[];
  req: readonly string[];
  opt: readonly string[];
  surface: readonly string[];
  /** Words right before a letter A (see letterAPlaces). */
  leads: readonly string[];
}

/** Entry ids of a posting's sort key (see build). */
const ENTRY_SPAN = 2 ** 24;

/**
 * Rank of each (occurrences, length) pair, index (tf << 8) | len, by the term factor,
 * largest first; equal factors share a rank.
 */
function factorRanks(avg: number): Uint16Array {
  const pairs = Array.from({ length: 1 << 16 }, (_, i) => ({ i, f: termFactor(i >> 8, i & 255, avg) }));
  pairs.sort((a, b) => b.f - a.f);
  const rank = new Uint16Array(1 << 16);
  let r = 0;
  for (let k = 0; k < pairs.length; k++) {
    if (k > 0 && pairs[k]!.f !== pairs[k - 1]!.f) r++;
    rank[pairs[k]!.i] = r;
  }
  return rank;
}

/** Tokens of texts already read in this process (releases of one import share most of their texts). */
const termMemo = new Map<string, TextTokens>();
const TERM_MEMO_LIMIT = 1_000_000;

function tokensOf(text: string): TextTokens {
  let memo = termMemo.get(text);
  if (!memo) {
    const terms: string[] = [];
    const surface: string[] = [];
    const leads: string[] = [];
    const words = wordsOf(text);
    const letters = letterAPlaces(text, words);
    words.forEach((w, i) => {
      // The letter A is a word (see letterAPlaces); the word before it is one the letter may follow in a query.
      const letter = letters.includes(i);
      if (letter && i > 0 && !STOPWORDS.has(words[i - 1]!)) leads.push(words[i - 1]!);
      if ((STOPWORDS.has(w) && !letter) || INSTRUCTION_WORDS.has(w)) return;
      surface.push(w);
      terms.push(stem(w));
    });
    // "Unspecified" says no more than the words around it: it may match, but does not lengthen an entry.
    memo = { terms, surface, leads, req: terms.filter((t) => t !== UNSPECIFIED), opt: terms.filter((t) => t === UNSPECIFIED) };
    if (termMemo.size >= TERM_MEMO_LIMIT) termMemo.clear();
    termMemo.set(text, memo);
  }
  return memo;
}

export class SearchIndexBuilder {
  private readonly docs = new Map<string, SearchDocInput>();
  private readonly entries: SearchEntryInput[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly system: string, readonly release: string) {}

  doc(d: SearchDocInput): void {
    if (!this.docs.has(d.code)) this.docs.set(d.code, d);
  }

  hasDoc(code: string): boolean {
    return this.docs.has(code);
  }

  entry(e: SearchEntryInput): void {
    const key = `${e.code}\u0001${e.kind}\u0001${e.text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(e);
  }

  build(): Uint8Array {
    const docList = [...this.docs.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const docId = new Map(docList.map((d, i) => [d.code, i]));
    const kinds = [...new Set(docList.map((d) => d.kind))];
    const chapters = [...new Set(docList.map((d) => d.chapter ?? ''))].filter(Boolean).sort();
    const kindIndex = new Map(kinds.map((k, i) => [k, i]));
    const chapterIndex = new Map(chapters.map((c, i) => [c, i]));

    // Entries: every document's title first, then the other entries.
    const all: Array<{ doc: number; kind: number; input?: SearchEntryInput; req: readonly string[]; opt: readonly string[] }> = [];
    const surfaceCount = new Map<string, number>();
    const letterALeads = new Set<string>();
    const tokens = (text: string) => {
      const t = tokensOf(text);
      for (const w of t.surface) surfaceCount.set(w, (surfaceCount.get(w) ?? 0) + 1);
      for (const w of t.leads) letterALeads.add(w);
      return t;
    };
    const titleKind = ENTRY_KINDS.indexOf('title');
    docList.forEach((d, i) => {
      const t = tokens(d.title);
      all.push({ doc: i, kind: titleKind, req: t.req, opt: t.opt });
    });
    let dropped = 0;
    for (const e of this.entries) {
      const doc = docId.get(e.code);
      if (doc === undefined) {
        dropped++;
        continue;
      }
      const parts = tokens(e.match ?? e.text);
      const req = parts.req;
      const opt = e.optional ? [...parts.opt, ...tokens(e.optional).terms] : parts.opt;
      if (req.length === 0 && opt.length === 0) continue;
      all.push({ doc, kind: ENTRY_KINDS.indexOf(e.kind), ...(e.kind === 'title' ? {} : { input: e }), req, opt });
    }

    // Vocabulary of stems, sorted.
    const vocab = [...new Set([...surfaceCount.keys()].map((w) => stem(w)))].sort();
    const termId = new Map(vocab.map((t, i) => [t, i]));
    const tokenBits: 16 | 32 = vocab.length < 0x8000 ? 16 : 32;
    const optionalBit = tokenBits === 16 ? 0x8000 : 0x80000000;
    const m = all.length;
    const entryDoc = new Uint32Array(m);
    const entryKind = new Uint8Array(m);
    const entryLen = new Uint8Array(m);
    const tokStart = new Uint32Array(m + 1);
    let totalTokens = 0;
    for (const e of all) totalTokens += e.req.length + e.opt.length;
    const toks = tokenBits === 16 ? new Uint16Array(totalTokens) : new Uint32Array(totalTokens);
    const df = new Uint32Array(vocab.length);
    let at = 0;
    let lengthSum = 0;
    const seenInEntry = new Int32Array(vocab.length).fill(-1);
    all.forEach((e, i) => {
      entryDoc[i] = e.doc;
      entryKind[i] = e.kind;
      entryLen[i] = Math.min(255, e.req.length);
      lengthSum += e.req.length;
      tokStart[i] = at;
      for (const t of e.req) {
        const id = termId.get(t)!;
        toks[at++] = id;
        if (seenInEntry[id] !== i) {
          seenInEntry[id] = i;
          df[id]!++;
        }
      }
      for (const t of e.opt) {
        const id = termId.get(t)!;
        toks[at++] = (id | optionalBit) >>> 0;
        if (seenInEntry[id] !== i) {
          seenInEntry[id] = i;
          df[id]!++;
        }
      }
    });
    tokStart[m] = at;
    const termMask = optionalBit - 1;

    // Entry signatures: the bits of every term an entry holds (required or optional), in two 32-bit words, the
    // top two bits of the high word its repeats (required words less distinct required terms, 3 for 3 or more):
    // no term occurs more than 1 + repeats times in it.
    const termSig = Array.from({ length: vocab.length }, (_, t) => termSignature(t));
    const entrySig = new Uint32Array(2 * m);
    seenInEntry.fill(-1);
    for (let i = 0; i < m; i++) {
      let lo = 0;
      let hi = 0;
      let distinct = 0;
      for (let k = tokStart[i]!; k < tokStart[i + 1]!; k++) {
        const raw = toks[k]!;
        const id = raw & termMask;
        const sig = termSig[id]!;
        lo |= sig.lo;
        hi |= sig.hi;
        if (!(raw & optionalBit) && seenInEntry[id] !== i) {
          seenInEntry[id] = i;
          distinct++;
        }
      }
      entrySig[2 * i] = lo >>> 0;
      entrySig[2 * i + 1] = (hi | (Math.min(3, all[i]!.req.length - distinct) << 30)) >>> 0;
    }

    // Postings: entry ids per term with the count of required occurrences (0: optional only), in impact
    // order: by the term's BM25 factor in the entry, largest first (then entry order), so the head of a
    // list holds its best entries and the factor where a reader stops bounds every entry after it.
    // The factor depends only on (occurrences, length), both below 256: the pairs are ranked once.
    const avg = m ? lengthSum / m : 1;
    const pairRank = factorRanks(avg);
    const postStart = new Uint32Array(vocab.length + 1);
    let p = 0;
    for (let t = 0; t < vocab.length; t++) {
      postStart[t] = p;
      p += df[t]!;
    }
    postStart[vocab.length] = p;
    if (m > ENTRY_SPAN) throw new MedcoderError('IMPORT_FAILED', `${this.system} ${this.release}: ${m} search entries, at most ${ENTRY_SPAN}`, { entries: m });
    const sortKeys = new Float64Array(p);
    const fill = postStart.slice(0, vocab.length);
    seenInEntry.fill(-1);
    const tfTmp = new Uint16Array(vocab.length);
    for (let i = 0; i < m; i++) {
      const s = tokStart[i]!;
      const end = tokStart[i + 1]!;
      for (let k = s; k < end; k++) {
        const raw = toks[k]!;
        if (!(raw & optionalBit)) tfTmp[raw]!++;
      }
      for (let k = s; k < end; k++) {
        const id = toks[k]! & termMask;
        if (seenInEntry[id] === i) continue;
        seenInEntry[id] = i;
        const tf = Math.min(255, tfTmp[id]!);
        // Factor rank, then entry (the count rides in the lowest bits: it is the same for one term and entry).
        sortKeys[fill[id]!++] = (pairRank[(tf << 8) | entryLen[i]!]! * ENTRY_SPAN + i) * 256 + tf;
      }
      for (let k = s; k < end; k++) tfTmp[toks[k]! & termMask] = 0;
    }
    const postEntry = new Uint32Array(p);
    const postTf = new Uint8Array(p);
    // The entry's length beside each posting: a ranking reads it with the posting, not from the entry's place.
    const postLen = new Uint8Array(p);
    for (let t = 0; t < vocab.length; t++) {
      const from = postStart[t]!;
      const to = postStart[t + 1]!;
      const keys = sortKeys.subarray(from, to);
      if (to - from > 1) keys.sort();
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        const e = Math.floor(key / 256) % ENTRY_SPAN;
        postTf[from + k] = key % 256;
        postEntry[from + k] = e;
        postLen[from + k] = entryLen[e]!;
      }
    }

    // Titles by term, in code order: per term, the documents whose title holds it (required or optional),
    // ascending, so the titles sharing a word with a phrase in a run of codes are found by bisection
    // (the encoder's tabular check, verify.ts).
    const eachTitleTerm = (fn: (term: number, doc: number) => void) => {
      seenInEntry.fill(-1);
      for (let d = 0; d < docList.length; d++) {
        for (let k = tokStart[d]!; k < tokStart[d + 1]!; k++) {
          const id = toks[k]! & termMask;
          if (seenInEntry[id] === d) continue;
          seenInEntry[id] = d;
          fn(id, d);
        }
      }
    };
    const titleStart = new Uint32Array(vocab.length + 1);
    eachTitleTerm((t) => titleStart[t + 1]!++);
    for (let t = 0; t < vocab.length; t++) titleStart[t + 1]! += titleStart[t]!;
    const titleDoc = new Uint32Array(titleStart[vocab.length]!);
    const titleFill = titleStart.slice(0, vocab.length);
    eachTitleTerm((t, d) => {
      titleDoc[titleFill[t]!++] = d;
    });

    // Surface words (for corrections and completions), sorted, with their stem and frequency.
    const wordList = [...surfaceCount.keys()].sort();
    const wordTerm = new Uint32Array(wordList.map((w) => termId.get(stem(w))!));
    const wordFreq = new Uint32Array(wordList.map((w) => surfaceCount.get(w)!));
    const del = buildDeletionIndex(wordList);

    // Entry texts: a path node (shared leading parts) and a tail string; titles show their document's title.
    const pool = new StringPool();
    const str = (s: string): number => pool.id(s);
    const nodeParent: number[] = [];
    const nodeText: number[] = [];
    const nodeId = new Map<string, number>();
    const nodeOf = (path: readonly string[]): number => {
      let node = -1;
      for (const part of path) {
        const key = `${node}\u0001${part}`;
        let k = nodeId.get(key);
        if (k === undefined) {
          k = nodeParent.length;
          nodeParent.push(node);
          nodeText.push(str(part));
          nodeId.set(key, k);
        }
        node = k;
      }
      return node;
    };
    const textNode = new Int32Array(m).fill(-1);
    const textTail = new Int32Array(m).fill(-1);
    all.forEach((e, i) => {
      const input = e.input;
      if (!input || input.text === '') return;
      let head = '';
      if (input.path?.length) {
        head = input.path.join(', ');
        if (input.text.startsWith(head)) textNode[i] = nodeOf(input.path);
        else head = '';
      }
      const tail = input.text.slice(head.length);
      if (tail || textNode[i] === -1) textTail[i] = str(tail);
    });

    // Documents whose title has a word the tokens leave out (NEC, NOS): the encoder's title overlap needs them.
    const instructionDocs = Uint32Array.from(docList.flatMap((d, i) => (wordsOf(d.title).some((w) => INSTRUCTION_WORDS.has(w)) ? [i] : [])));

    const w = new SectionWriter();
    w.addStrings('code', docList.map((d) => d.code));
    w.addPieces('title', docList.map((d) => d.title));
    w.add('docFlags', new Uint8Array(docList.map((d) => (d.billable ? 1 : 0))));
    w.add('docKind', new Uint8Array(docList.map((d) => kindIndex.get(d.kind)!)));
    w.add('docChapter', new Uint8Array(docList.map((d) => (d.chapter ? chapterIndex.get(d.chapter)! : 255))));
    w.add('instructionDocs', instructionDocs);
    w.add('entryDoc', entryDoc);
    w.add('entryKind', entryKind);
    w.add('entryLen', entryLen);
    w.add('textNode', textNode);
    w.add('textTail', textTail);
    w.add('nodeParent', Int32Array.from(nodeParent));
    w.add('nodeText', Uint32Array.from(nodeText));
    w.addPieces('str', pool.list);
    w.add('tokStart', tokStart);
    w.add('entrySig', entrySig);
    w.add('toks', toks);
    w.addStrings('vocab', vocab, true);
    w.add('df', df);
    w.add('postStart', postStart);
    w.add('postEntry', postEntry);
    w.add('postTf', postTf);
    w.add('postLen', postLen);

    w.add('titleStart', titleStart);
    w.add('titleDoc', titleDoc);
    w.addStrings('word', wordList, true);
    w.add('wordTerm', wordTerm);
    w.add('wordFreq', wordFreq);
    w.add('delHash', del.hashes);
    w.add('delWord', del.ids);
    const header: Omit<SearchIndexHeader, 'sections'> = {
      format: SEARCH_FORMAT,
      system: this.system,
      release: this.release,
      docs: docList.length,
      entries: m,
      terms: vocab.length,
      words: wordList.length,
      postings: p,
      avgLength: avg,
      tokenBits,
      kinds,
      chapters,
      dropped,
      letterALeads: [...letterALeads].sort(),
    };
    return w.build(MAGIC, header);
  }
}

/** One release's search structures, opened over the file's bytes. */
export class SearchIndex {
  readonly header: SearchIndexHeader;
  private readonly codes: StringTable;
  private readonly titles: PieceTable;
  private readonly strs: PieceTable;
  private readonly vocabTable: StringTable;
  private readonly wordTable: StringTable;
  readonly docFlags: Uint8Array;
  readonly docKind: Uint8Array;
  readonly docChapter: Uint8Array;
  readonly instructionDocs: Uint32Array;
  readonly entryDoc: Uint32Array;
  readonly entryKind: Uint8Array;
  readonly entryLen: Uint8Array;
  private readonly textNode: Int32Array;
  private readonly textTail: Int32Array;
  private readonly nodeParent: Int32Array;
  private readonly nodeText: Uint32Array;
  readonly tokStart: Uint32Array;
  /**
   * Per entry, its signature in two 32-bit words (low, high): the bits of the terms it holds (see
   * termSignature), and in the top two bits of the high word its repeats (0 to 2; 3: three or more).
   */
  readonly entrySig: Uint32Array;
  readonly toks: Uint16Array | Uint32Array;
  /** Bit set on a token in an entry's token list when it is optional (a nonessential modifier); the rest is the term id. */
  readonly optionalBit: number;
  readonly termMask: number;
  readonly df: Uint32Array;
  readonly postStart: Uint32Array;
  readonly postEntry: Uint32Array;
  readonly postTf: Uint8Array;
  /** The length of each posting's entry (entryLen, read in list order). */
  readonly postLen: Uint8Array;

  /** Per term, the documents whose title holds it, ascending (see titlesWith). */
  readonly titleStart: Uint32Array;
  readonly titleDoc: Uint32Array;
  readonly wordTerm: Uint32Array;
  readonly wordFreq: Uint32Array;
  private readonly delHash: Uint32Array;
  private readonly delWord: Uint32Array;

  /** Words a letter A follows in this index's texts ("hepatitis", "vitamin", "group"): after them a query's "a" is the letter. */
  readonly letterALeads: ReadonlySet<string>;

  constructor(bytes: Uint8Array, where = 'search index') {
    const r = new SectionReader<SearchIndexHeader>(bytes, MAGIC, SEARCH_FORMAT, where, 'search index');
    const header = r.header;
    this.header = header;
    this.letterALeads = new Set(header.letterALeads ?? []);
    this.codes = r.strings('code');
    this.titles = r.pieces('title');
    this.strs = r.pieces('str');
    this.vocabTable = r.strings('vocab');
    this.wordTable = r.strings('word');
    this.docFlags = r.view('docFlags', Uint8Array);
    this.docKind = r.view('docKind', Uint8Array);
    this.docChapter = r.view('docChapter', Uint8Array);
    this.instructionDocs = r.view('instructionDocs', Uint32Array);
    this.entryDoc = r.view('entryDoc', Uint32Array);
    this.entryKind = r.view('entryKind', Uint8Array);
    this.entryLen = r.view('entryLen', Uint8Array);
    this.textNode = r.view('textNode', Int32Array);
    this.textTail = r.view('textTail', Int32Array);
    this.nodeParent = r.view('nodeParent', Int32Array);
    this.nodeText = r.view('nodeText', Uint32Array);
    this.tokStart = r.view('tokStart', Uint32Array);
    this.entrySig = r.view('entrySig', Uint32Array);
    this.toks = header.tokenBits === 16 ? r.view('toks', Uint16Array) : r.view('toks', Uint32Array);
    this.optionalBit = header.tokenBits === 16 ? 0x8000 : 0x80000000;
    this.termMask = this.optionalBit - 1;
    this.df = r.view('df', Uint32Array);
    this.postStart = r.view('postStart', Uint32Array);
    this.postEntry = r.view('postEntry', Uint32Array);
    this.postTf = r.view('postTf', Uint8Array);
    this.postLen = r.view('postLen', Uint8Array);

    this.titleStart = r.view('titleStart', Uint32Array);
    this.titleDoc = r.view('titleDoc', Uint32Array);
    this.wordTerm = r.view('wordTerm', Uint32Array);
    this.wordFreq = r.view('wordFreq', Uint32Array);
    this.delHash = r.view('delHash', Uint32Array);
    this.delWord = r.view('delWord', Uint32Array);
    const m = header.entries;
    if (
      this.codes.length !== header.docs ||
      this.titles.length !== header.docs ||
      this.vocabTable.length !== header.terms ||
      this.wordTable.length !== header.words ||
      this.entryDoc.length !== m ||
      this.tokStart.length !== m + 1 ||
      this.postStart.length !== header.terms + 1 ||
      this.postEntry.length !== header.postings ||
      this.postLen.length !== header.postings ||
      this.entrySig.length !== 2 * m ||
      this.titleStart.length !== header.terms + 1 ||
      this.titleDoc.length !== this.titleStart[header.terms]
    ) {
      throw r.bad('counts do not match');
    }
  }

  get system(): string {
    return this.header.system;
  }
  get release(): string {
    return this.header.release;
  }
  get entryCount(): number {
    return this.header.entries;
  }
  get docCount(): number {
    return this.header.docs;
  }
  get termCount(): number {
    return this.header.terms;
  }

  /** Term id of a stem, or -1. */
  term(stemmed: string): number {
    return this.vocabTable.find(stemmed);
  }

  /**
   * Term id of a word's stem, or -1: a word of the index's own text gives its
   * term as written at import (no stemming at query time); any other word is stemmed.
   */
  termOfWord(w: string): number {
    const id = this.wordTable.find(w);
    return id >= 0 ? this.wordTerm[id]! : this.term(stem(w));
  }

  /** The stem of a surface word of the index's own text, as stem() gave it at import; undefined for any other word. */
  stemOf(w: string): string | undefined {
    const id = this.wordTable.find(w);
    return id >= 0 ? this.vocabTable.at(this.wordTerm[id]!) : undefined;
  }

  /** Term id of a surface word of the index's own text (its stem as written at import), or -1 for any other word. */
  termOfKnownWord(w: string): number {
    const id = this.wordTable.find(w);
    return id >= 0 ? this.wordTerm[id]! : -1;
  }

  /** Id of a surface word, or -1. */
  word(w: string): number {
    return this.wordTable.find(w);
  }

  /** The surface word of an id. */
  wordAt(id: number): string {
    return this.wordTable.at(id);
  }

  /** Append to `out` the documents in [from, to) whose title holds a term (required or optional), ascending. */
  titlesWith(term: number, from: number, to: number, out: number[]): void {
    let lo = this.titleStart[term]!;
    let hi = this.titleStart[term + 1]!;
    const end = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.titleDoc[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < end; k++) {
      const d = this.titleDoc[k]!;
      if (d >= to) break;
      out.push(d);
    }
  }

  /** Surface words starting with a prefix, most frequent first. */
  completions(prefix: string, limit: number): number[] {
    const words = this.wordTable;
    const found: number[] = [];
    for (let i = words.lowerBound(prefix); i < words.length && found.length < 400; i++) {
      if (!words.startsWith(i, prefix)) break;
      if (!words.equals(i, prefix)) found.push(i);
    }
    return found.sort((a, b) => this.wordFreq[b]! - this.wordFreq[a]! || a - b).slice(0, limit);
  }

  /** Surface words within one or two edits of a word, nearest and most frequent first. */
  corrections(w: string, limit = 3): Correction[] {
    return findCorrections(w, this.delHash, this.delWord, (id) => this.wordTable.at(id))
      .sort((a, b) => a.distance - b.distance || this.wordFreq[b.id]! - this.wordFreq[a.id]!)
      .slice(0, limit);
  }

  code(doc: number): string {
    return this.codes.at(doc);
  }

  title(doc: number): string {
    return this.titles.at(doc);
  }

  billable(doc: number): boolean {
    return (this.docFlags[doc]! & 1) === 1;
  }

  kind(doc: number): string {
    return this.header.kinds[this.docKind[doc]!] ?? '';
  }

  chapter(doc: number): string | undefined {
    const c = this.docChapter[doc]!;
    return c === 255 ? undefined : this.header.chapters[c];
  }

  /** Whether an entry's text is its document's title (see entryText). */
  showsTitle(entry: number): boolean {
    return this.textNode[entry]! < 0 && this.textTail[entry]! < 0;
  }

  entryText(entry: number): string {
    const node = this.textNode[entry]!;
    const tail = this.textTail[entry]!;
    if (node < 0 && tail < 0) return this.title(this.entryDoc[entry]!);
    // The path's parts from the node up to the root, each put in front of those below it.
    let text = tail >= 0 ? this.strs.at(tail) : '';
    if (node >= 0) {
      let head = this.strs.at(this.nodeText[node]!);
      for (let n = this.nodeParent[node]!; n >= 0; n = this.nodeParent[n]!) head = this.strs.at(this.nodeText[n]!) + ', ' + head;
      text = head + text;
    }
    return text;
  }

  entryKindName(entry: number): EntryKind {
    return ENTRY_KINDS[this.entryKind[entry]!] ?? 'title';
  }

  /** Position of the first document whose code is >= `code`. */
  lowerBound(code: string): number {
    return this.codes.lowerBound(code);
  }

  /** Document id of a code, or -1. */
  doc(code: string): number {
    const i = this.lowerBound(code);
    return i < this.docCount && this.codes.equals(i, code) ? i : -1;
  }

  /** Whether document `doc`'s code starts with `prefix`. */
  codeStartsWith(doc: number, prefix: string): boolean {
    return this.codes.at(doc).startsWith(prefix);
  }
}
