import { MedcoderError } from '../errors.js';
import { stem } from './stem.js';
import { buildDeletionIndex, corrections as findCorrections, type Correction } from './spell.js';
import { INSTRUCTION_WORDS, STOPWORDS, words as wordsOf } from './tokenize.js';

/**
 * The encoder's search structures for one release: written next to the
 * release's data at import time (search.bin) and opened with typed-array
 * views over the file when the release is searched, so nothing is rebuilt at
 * start-up.
 *
 * A "document" is a code (or a header, table or PCS prefix) in code order.
 * An "entry" is one text that leads to a document: its title, an inclusion
 * term, an Alphabetic Index path, a table row. Entries are what is ranked;
 * a document scores by its best entry.
 */

export const SEARCH_FILE = 'search.bin';
export const SEARCH_FORMAT = 1;
const MAGIC = 0x4953434d; // "MCSI"

/** Where an entry's text comes from. */
export const ENTRY_KINDS = ['title', 'short', 'inclusion', 'index', 'see', 'eindex', 'drug', 'neoplasm', 'definition', 'includes'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Bit set on a token id in an entry's token list when the token is optional (a nonessential modifier). */
const OPTIONAL_BIT = 0x80000000;
const UNSPECIFIED = stem('unspecified');

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
  /** Text matched instead of `text`. */
  match?: string;
  /** Words that may match but need not (nonessential modifiers). */
  optional?: string;
}

export interface SearchIndexHeader {
  format: number;
  system: string;
  release: string;
  docs: number;
  entries: number;
  terms: number;
  words: number;
  postings: number;
  avgLength: number;
  kinds: string[];
  chapters: string[];
  /** Entries dropped because their code is not a document of the release. */
  dropped: number;
  sections: Record<string, [offset: number, length: number]>;
}

/** Tokens of a text as stems, stopwords and NEC/NOS left out; `surface` collects the folded words seen. */
export function textTerms(text: string, surface?: (word: string) => void): string[] {
  const out: string[] = [];
  for (const w of wordsOf(text)) {
    if (STOPWORDS.has(w) || INSTRUCTION_WORDS.has(w)) continue;
    surface?.(w);
    out.push(stem(w));
  }
  return out;
}

/** A string table: one blob with the strings joined by NUL, and their start offsets (in characters). */
function packStrings(list: readonly string[]): { blob: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(list.length + 1);
  let at = 0;
  for (let i = 0; i < list.length; i++) {
    offsets[i] = at;
    at += list[i]!.length + 1;
  }
  offsets[list.length] = at;
  return { blob: Buffer.from(list.join('\u0000'), 'utf16le'), offsets };
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
    const all: Array<{ doc: number; kind: number; text: string; req: string[]; opt: string[] }> = [];
    const surfaceCount = new Map<string, number>();
    const surfaceStem = new Map<string, string>();
    const count = (w: string) => {
      surfaceCount.set(w, (surfaceCount.get(w) ?? 0) + 1);
    };
    const titleKind = ENTRY_KINDS.indexOf('title');
    // "Unspecified" says no more than the words around it: it may match, but does not lengthen an entry.
    const split = (terms: string[]) => ({ req: terms.filter((t) => t !== UNSPECIFIED), opt: terms.filter((t) => t === UNSPECIFIED) });
    docList.forEach((d, i) => all.push({ doc: i, kind: titleKind, text: '', ...split(textTerms(d.title, count)) }));
    let dropped = 0;
    for (const e of this.entries) {
      const doc = docId.get(e.code);
      if (doc === undefined) {
        dropped++;
        continue;
      }
      const parts = split(textTerms(e.match ?? e.text, count));
      const req = parts.req;
      const opt = [...parts.opt, ...(e.optional ? textTerms(e.optional, count) : [])];
      if (req.length === 0 && opt.length === 0) continue;
      all.push({ doc, kind: ENTRY_KINDS.indexOf(e.kind), text: e.kind === 'title' ? '' : e.text, req, opt });
    }
    for (const w of surfaceCount.keys()) surfaceStem.set(w, stem(w));

    // Vocabulary of stems, sorted.
    const vocab = [...new Set(surfaceStem.values())].sort();
    const termId = new Map(vocab.map((t, i) => [t, i]));
    const m = all.length;
    const entryDoc = new Uint32Array(m);
    const entryKind = new Uint8Array(m);
    const entryLen = new Uint8Array(m);
    const tokStart = new Uint32Array(m + 1);
    let totalTokens = 0;
    for (const e of all) totalTokens += e.req.length + e.opt.length;
    const toks = new Uint32Array(totalTokens);
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
        toks[at++] = (id | OPTIONAL_BIT) >>> 0;
        if (seenInEntry[id] !== i) {
          seenInEntry[id] = i;
          df[id]!++;
        }
      }
    });
    tokStart[m] = at;

    // Postings: entry ids per term, ascending, with the count of required occurrences (0: optional only).
    const postStart = new Uint32Array(vocab.length + 1);
    let p = 0;
    for (let t = 0; t < vocab.length; t++) {
      postStart[t] = p;
      p += df[t]!;
    }
    postStart[vocab.length] = p;
    const postEntry = new Uint32Array(p);
    const postTf = new Uint8Array(p);
    const fill = postStart.slice(0, vocab.length);
    seenInEntry.fill(-1);
    const tfTmp = new Uint16Array(vocab.length);
    for (let i = 0; i < m; i++) {
      const s = tokStart[i]!;
      const end = tokStart[i + 1]!;
      for (let k = s; k < end; k++) {
        const raw = toks[k]!;
        if (!(raw & OPTIONAL_BIT)) tfTmp[raw]!++;
      }
      for (let k = s; k < end; k++) {
        const id = toks[k]! & 0x7fffffff;
        if (seenInEntry[id] === i) continue;
        seenInEntry[id] = i;
        const slot = fill[id]!++;
        postEntry[slot] = i;
        postTf[slot] = Math.min(255, tfTmp[id]!);
      }
      for (let k = s; k < end; k++) tfTmp[toks[k]! & 0x7fffffff] = 0;
    }
    // Impact order: within a term, entries where the term weighs most come first (more required
    // occurrences, then shorter entries), so a query may read only the head of a long list.
    const sortKeys = new Float64Array(p);
    for (let k = 0; k < p; k++) {
      const tf = postTf[k]!;
      const impact = tf === 0 ? 0 : Math.min(15, tf);
      sortKeys[k] = (((15 - impact) << 8) | entryLen[postEntry[k]!]!) * 262144 * 4 + postEntry[k]!;
    }
    for (let t = 0; t < vocab.length; t++) {
      const from = postStart[t]!;
      const to = postStart[t + 1]!;
      if (to - from < 2) continue;
      const keys = sortKeys.subarray(from, to).sort();
      for (let k = 0; k < keys.length; k++) {
        const e = keys[k]! % (262144 * 4);
        postEntry[from + k] = e;
      }
    }
    // Counts follow their entries: recompute them from the token lists.
    for (let t = 0; t < vocab.length; t++) {
      for (let k = postStart[t]!; k < postStart[t + 1]!; k++) {
        const e = postEntry[k]!;
        let tf = 0;
        for (let j = tokStart[e]!; j < tokStart[e + 1]!; j++) if (toks[j] === t) tf++;
        postTf[k] = Math.min(255, tf);
      }
    }

    // Surface words (for corrections and completions), sorted, with their stem and frequency.
    const wordList = [...surfaceCount.keys()].sort();
    const wordTerm = new Uint32Array(wordList.map((w) => termId.get(surfaceStem.get(w)!)!));
    const wordFreq = new Uint32Array(wordList.map((w) => surfaceCount.get(w)!));
    const del = buildDeletionIndex(wordList);

    const codes = packStrings(docList.map((d) => d.code));
    const titles = packStrings(docList.map((d) => d.title));
    const docFlags = new Uint8Array(docList.map((d) => (d.billable ? 1 : 0)));
    const docKind = new Uint8Array(docList.map((d) => kindIndex.get(d.kind)!));
    const docChapter = new Uint8Array(docList.map((d) => (d.chapter ? chapterIndex.get(d.chapter)! : 255)));
    const texts = packStrings(all.map((e) => e.text));
    const vocabStrings = packStrings(vocab);
    const wordStrings = packStrings(wordList);

    const sections: Array<[string, ArrayBufferView]> = [
      ['codeBlob', codes.blob],
      ['codeOffsets', codes.offsets],
      ['titleBlob', titles.blob],
      ['titleOffsets', titles.offsets],
      ['docFlags', docFlags],
      ['docKind', docKind],
      ['docChapter', docChapter],
      ['entryDoc', entryDoc],
      ['entryKind', entryKind],
      ['entryLen', entryLen],
      ['textBlob', texts.blob],
      ['textOffsets', texts.offsets],
      ['tokStart', tokStart],
      ['toks', toks],
      ['vocabBlob', vocabStrings.blob],
      ['vocabOffsets', vocabStrings.offsets],
      ['df', df],
      ['postStart', postStart],
      ['postEntry', postEntry],
      ['postTf', postTf],
      ['wordBlob', wordStrings.blob],
      ['wordOffsets', wordStrings.offsets],
      ['wordTerm', wordTerm],
      ['wordFreq', wordFreq],
      ['delHash', del.hashes],
      ['delWord', del.ids],
    ];
    const header: SearchIndexHeader = {
      format: SEARCH_FORMAT,
      system: this.system,
      release: this.release,
      docs: docList.length,
      entries: m,
      terms: vocab.length,
      words: wordList.length,
      postings: p,
      avgLength: m ? lengthSum / m : 1,
      kinds,
      chapters,
      dropped,
      sections: {},
    };
    // Lay the sections out after the header, each on an 8-byte boundary.
    const align = (n: number) => (n + 7) & ~7;
    let offset = 0;
    for (const [name, view] of sections) {
      header.sections[name] = [offset, view.byteLength];
      offset = align(offset + view.byteLength);
    }
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const base = align(8 + headerBytes.length);
    const out = new Uint8Array(base + offset);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, MAGIC, true);
    dv.setUint32(4, headerBytes.length, true);
    out.set(headerBytes, 8);
    for (const [name, view] of sections) {
      const [o] = header.sections[name]!;
      out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), base + o);
    }
    return out;
  }
}

/** A string table read back: strings decoded on demand, or all at once. */
class StringTable {
  constructor(private readonly blob: Uint16Array, private readonly offsets: Uint32Array) {}
  get length(): number {
    return this.offsets.length - 1;
  }
  at(i: number): string {
    const s = this.offsets[i]!;
    const e = this.offsets[i + 1]! - 1;
    return String.fromCharCode.apply(null, this.blob.subarray(s, e) as unknown as number[]);
  }
  all(): string[] {
    if (this.length === 0) return [];
    return new TextDecoder('utf-16le').decode(this.blob).split('\u0000');
  }
}

/** One release's search structures, opened over the file's bytes. */
export class SearchIndex {
  readonly header: SearchIndexHeader;
  readonly codes: string[];
  readonly vocab: string[];
  readonly words: string[];
  private readonly termByStem: Map<string, number>;
  private readonly wordById: Map<string, number>;
  private readonly titles: StringTable;
  private readonly texts: StringTable;
  readonly docFlags: Uint8Array;
  readonly docKind: Uint8Array;
  readonly docChapter: Uint8Array;
  readonly entryDoc: Uint32Array;
  readonly entryKind: Uint8Array;
  readonly entryLen: Uint8Array;
  readonly tokStart: Uint32Array;
  readonly toks: Uint32Array;
  readonly df: Uint32Array;
  readonly postStart: Uint32Array;
  readonly postEntry: Uint32Array;
  readonly postTf: Uint8Array;
  readonly wordTerm: Uint32Array;
  readonly wordFreq: Uint32Array;
  private readonly delHash: Uint32Array;
  private readonly delWord: Uint32Array;

  constructor(bytes: Uint8Array, where = 'search index') {
    const bad = (why: string) => new MedcoderError('RELEASE_CORRUPT', `${where} is not a medcoder search index (${why}); run "medcoder codesets import --force"`, { path: where });
    if (bytes.byteLength < 8) throw bad('too short');
    // Typed views need aligned offsets: copy when the bytes do not start on an 8-byte boundary.
    const buf = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (dv.getUint32(0, true) !== MAGIC) throw bad('wrong magic number');
    const headerLength = dv.getUint32(4, true);
    let header: SearchIndexHeader;
    try {
      header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, headerLength).toString('utf8')) as SearchIndexHeader;
    } catch {
      throw bad('unreadable header');
    }
    if (header.format !== SEARCH_FORMAT) throw bad(`format ${header.format}, expected ${SEARCH_FORMAT}`);
    this.header = header;
    const base = buf.byteOffset + ((8 + headerLength + 7) & ~7);
    const view = <T>(name: string, Ctor: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number }): T => {
      const s = header.sections[name];
      if (!s) throw bad(`no section ${name}`);
      if (base + s[0] + s[1] > buf.byteOffset + buf.byteLength) throw bad(`section ${name} is cut short`);
      return new Ctor(buf.buffer, base + s[0], s[1] / Ctor.BYTES_PER_ELEMENT);
    };
    const table = (blob: string, offsets: string) => new StringTable(view(blob, Uint16Array), view(offsets, Uint32Array));
    this.codes = table('codeBlob', 'codeOffsets').all();
    this.titles = table('titleBlob', 'titleOffsets');
    this.texts = table('textBlob', 'textOffsets');
    this.vocab = table('vocabBlob', 'vocabOffsets').all();
    this.words = table('wordBlob', 'wordOffsets').all();
    this.docFlags = view('docFlags', Uint8Array);
    this.docKind = view('docKind', Uint8Array);
    this.docChapter = view('docChapter', Uint8Array);
    this.entryDoc = view('entryDoc', Uint32Array);
    this.entryKind = view('entryKind', Uint8Array);
    this.entryLen = view('entryLen', Uint8Array);
    this.tokStart = view('tokStart', Uint32Array);
    this.toks = view('toks', Uint32Array);
    this.df = view('df', Uint32Array);
    this.postStart = view('postStart', Uint32Array);
    this.postEntry = view('postEntry', Uint32Array);
    this.postTf = view('postTf', Uint8Array);
    this.wordTerm = view('wordTerm', Uint32Array);
    this.wordFreq = view('wordFreq', Uint32Array);
    this.delHash = view('delHash', Uint32Array);
    this.delWord = view('delWord', Uint32Array);
    if (this.codes.length !== header.docs || this.vocab.length !== header.terms || this.words.length !== header.words) throw bad('counts do not match');
    this.termByStem = new Map(this.vocab.map((t, i) => [t, i]));
    this.wordById = new Map(this.words.map((w, i) => [w, i]));
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

  /** Term id of a stem, or -1. */
  term(stemmed: string): number {
    return this.termByStem.get(stemmed) ?? -1;
  }

  /** Id of a surface word, or -1. */
  word(w: string): number {
    return this.wordById.get(w) ?? -1;
  }

  /** Surface words starting with a prefix, most frequent first. */
  completions(prefix: string, limit: number): number[] {
    const arr = this.words;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: number[] = [];
    for (let i = lo; i < arr.length && arr[i]!.startsWith(prefix) && found.length < 400; i++) if (arr[i] !== prefix) found.push(i);
    return found.sort((a, b) => this.wordFreq[b]! - this.wordFreq[a]! || a - b).slice(0, limit);
  }

  /** Surface words within one or two edits of a word, nearest and most frequent first. */
  corrections(w: string, limit = 3): Correction[] {
    return findCorrections(w, this.delHash, this.delWord, (id) => this.words[id]!)
      .sort((a, b) => a.distance - b.distance || this.wordFreq[b.id]! - this.wordFreq[a.id]!)
      .slice(0, limit);
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

  entryText(entry: number): string {
    const t = this.texts.at(entry);
    return t || this.title(this.entryDoc[entry]!);
  }

  entryKindName(entry: number): EntryKind {
    return ENTRY_KINDS[this.entryKind[entry]!] ?? 'title';
  }

  /** Position of the first document whose code is >= `code`. */
  lowerBound(code: string): number {
    const arr = this.codes;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid]! < code) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Document id of a code, or -1. */
  doc(code: string): number {
    const i = this.lowerBound(code);
    return this.codes[i] === code ? i : -1;
  }
}

export { OPTIONAL_BIT };
