import type { CompiledIndexFile, CompiledTerm } from '../icd10cm/alphabetic-index.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CodeNote, SeventhCharacter } from '../lookup.js';
import { SectionReader, SectionWriter, type FileHeader, type StringTable } from './binary.js';
import type { SearchIndex } from './search-index.js';
import { belowRange, factPartsOf, noteDocs, type CheckStatus, type FactParts, type FactSource } from './verify.js';

/**
 * The tabular side of the checks an index walk shows, worked out at import
 * for every code the release's index publications name (its own, or those
 * it borrows): the code of the release each stands for, its status, its
 * notes of each kind (by id into one table of notes, lists shared by the
 * codes of a family) and its 7th characters. A walk reads a code's parts
 * here the first time it meets the code instead of reading the release's
 * notes up its parent chain, section and chapter; the message and fields of
 * the check are then made from the parts as they are for a code worked out
 * on the spot (see verify.ts), so both give the same checks.
 *
 * Written into the release's folder as checks.bin.
 */

export const CHECK_FILE = 'checks.bin';
/** 2: titles kept with the codes; 3: document ranges of the release's search index. */
export const CHECK_FORMAT = 3;
const MAGIC = 0x4b48434d; // "MCHK"

const STATUSES: readonly CheckStatus[] = ['not-in-release', 'billable', 'needs-7th-character', 'needs-more-characters'];
/** Status byte of needs-more-characters when the index writes the header's own code (see FactParts.stated). */
const STATED = 4;
/** Note kinds a check shows, in the order of the lists kept per code. */
const LIST_KINDS = ['codeFirst', 'useAdditional', 'codeAlso', 'excludes1'] as const;

interface CheckHeader extends FileHeader {
  release: string;
  /** The releases whose index publications named the codes. */
  indexFrom: string[];
  codes: number;
}

/** Codes an index publication names: entries' codes and manifestations, "see category" codes, table cells. */
export function codesNamed(file: CompiledIndexFile, out = new Set<string>()): Set<string> {
  const visit = (t: CompiledTerm) => {
    if (t.c) out.add(t.c);
    if (t.m) out.add(t.m);
    if (t.sc) out.add(`${t.sc.replace(/-$/, '')}-`);
    for (const v of t.v ?? []) if (v) out.add(v);
    for (const k of t.k ?? []) visit(k);
  };
  for (const letter of file.letters) for (const t of letter.k) visit(t);
  return out;
}

/**
 * Build the check file of a release for the codes its index publications
 * name, with the documents of the release's search index (written beside it)
 * below each header and those its use-additional notes name.
 */
export function buildCheckFile(release: Icd10cmRelease, codes: Iterable<string>, indexFrom: string[], search: SearchIndex): Uint8Array {
  const list = [...codes].sort();
  const status = new Uint8Array(list.length);
  const canon: string[] = [];
  const titles: string[] = [];
  const lists = new Int32Array(list.length * LIST_KINDS.length);
  const seventh = new Int32Array(list.length).fill(-1);
  const belowFrom = new Int32Array(list.length).fill(-1);
  const belowTo = new Int32Array(list.length).fill(-1);
  // Document ranges of the use-additional lists, by list id.
  const listDocs = new Map<number, readonly number[]>();
  // Notes by identity first (a family shares its frozen notes), then by what they say.
  const noteIds = new Map<CodeNote, number>();
  const noteByText = new Map<string, number>();
  const notes: CodeNote[] = [];
  const listIds = new Map<string, number>([['', 0]]);
  const listStart: number[] = [0, 0];
  const listNotes: number[] = [];
  const listMemo = new Map<readonly CodeNote[], number>();
  const sets = new Map<string, number>();
  const setFrom: string[] = [];
  const setStart: number[] = [0];
  const optChar: string[] = [];
  const optMeaning: string[] = [];

  const noteId = (n: CodeNote): number => {
    let id = noteIds.get(n);
    if (id === undefined) {
      const key = `${n.kind}\u0000${n.text}\u0000${n.from}\u0000${n.release ?? ''}`;
      id = noteByText.get(key);
      if (id === undefined) {
        id = notes.length;
        notes.push(n);
        noteByText.set(key, id);
      }
      noteIds.set(n, id);
    }
    return id;
  };
  const listId = (l: readonly CodeNote[]): number => {
    let id = listMemo.get(l);
    if (id === undefined) {
      const ids = l.map(noteId);
      const key = ids.join(',');
      id = listIds.get(key);
      if (id === undefined) {
        id = listStart.length - 1;
        listIds.set(key, id);
        listNotes.push(...ids);
        listStart.push(listNotes.length);
      }
      listMemo.set(l, id);
    }
    return id;
  };
  const setId = (s: NonNullable<FactParts['seventh']>): number => {
    const key = `${s.from}\u0000${s.options.map((o) => `${o.char}\u0001${o.meaning}`).join('\u0000')}`;
    let id = sets.get(key);
    if (id === undefined) {
      id = setFrom.length;
      sets.set(key, id);
      setFrom.push(s.from);
      for (const o of s.options) {
        optChar.push(o.char);
        optMeaning.push(o.meaning);
      }
      setStart.push(optChar.length);
    }
    return id;
  };

  list.forEach((indexCode, i) => {
    const p = factPartsOf(release, indexCode);
    status[i] = p.status === 'needs-more-characters' && p.stated ? STATED : STATUSES.indexOf(p.status);
    canon.push(p.code ?? '');
    titles.push(p.title ?? '');
    LIST_KINDS.forEach((kind, k) => (lists[i * LIST_KINDS.length + k] = listId(p[kind])));
    if (p.seventh) seventh[i] = setId(p.seventh);
    if (p.code) {
      const range = p.status === 'needs-more-characters' ? belowRange(search, p.code) : undefined;
      if (range) [belowFrom[i], belowTo[i]] = range;
      const l = lists[i * LIST_KINDS.length + 1]!;
      if (l > 0 && !listDocs.has(l)) listDocs.set(l, noteDocs(search, p.useAdditional));
    }
  });

  const w = new SectionWriter();
  w.addStrings('codes', list, true);
  w.addStrings('canon', canon);
  w.addStrings('title', titles);
  w.add('status', status);
  w.add('lists', lists);
  w.add('seventh', seventh);
  w.add('belowFrom', belowFrom);
  w.add('belowTo', belowTo);
  const docStart = new Uint32Array(listStart.length);
  const docs: number[] = [];
  for (let l = 0; l < listStart.length - 1; l++) {
    docStart[l] = docs.length;
    docs.push(...(listDocs.get(l) ?? []));
  }
  docStart[listStart.length - 1] = docs.length;
  w.add('docStart', docStart);
  w.add('docRanges', Int32Array.from(docs));
  w.add('listStart', Uint32Array.from(listStart));
  w.add('listNotes', Uint32Array.from(listNotes));
  w.add('noteKind', Uint8Array.from(notes, (n) => NOTE_KINDS.indexOf(n.kind)));
  w.addStrings('noteText', notes.map((n) => n.text));
  w.addStrings('noteFrom', notes.map((n) => n.from));
  w.addStrings('noteRelease', notes.map((n) => n.release ?? ''));
  w.addStrings('setFrom', setFrom);
  w.add('setStart', Uint32Array.from(setStart));
  w.addStrings('optChar', optChar);
  w.addStrings('optMeaning', optMeaning);
  const header: Omit<CheckHeader, 'sections'> = { format: CHECK_FORMAT, release: release.ref.id, indexFrom, codes: list.length };
  return w.build(MAGIC, header);
}

/** Kinds a check's notes may have (their byte in the file). */
const NOTE_KINDS: ReadonlyArray<CodeNote['kind']> = ['codeFirst', 'useAdditionalCode', 'codeAlso', 'excludes1'];

const NONE: readonly CodeNote[] = Object.freeze([]);

/**
 * A release's check file read back. Notes, lists and 7th-character sets are
 * made once each, when a code first needs them, and then shared (frozen) by
 * every code that has them, as the release shares a family's notes.
 */
export class CheckTable implements FactSource {
  readonly release: string;
  readonly indexFrom: readonly string[];
  private readonly codes: StringTable;
  private readonly canon: StringTable;
  private readonly title: StringTable;
  private readonly status: Uint8Array;
  private readonly lists: Int32Array;
  private readonly seventh: Int32Array;
  private readonly listStart: Uint32Array;
  private readonly listNotes: Uint32Array;
  private readonly noteKind: Uint8Array;
  private readonly noteText: StringTable;
  private readonly noteFrom: StringTable;
  private readonly noteRelease: StringTable;
  private readonly setFrom: StringTable;
  private readonly setStart: Uint32Array;
  private readonly optChar: StringTable;
  private readonly optMeaning: StringTable;
  private readonly belowFrom: Int32Array;
  private readonly belowTo: Int32Array;
  private readonly docStart: Uint32Array;
  private readonly docRanges: Int32Array;
  private readonly docMemo: Array<readonly number[] | undefined>;
  private readonly noteMemo: Array<CodeNote | undefined>;
  private readonly listMemo: Array<readonly CodeNote[] | undefined>;
  private readonly setMemo: Array<NonNullable<FactParts['seventh']> | undefined>;

  constructor(bytes: Uint8Array, where: string) {
    const r = new SectionReader<CheckHeader>(bytes, MAGIC, CHECK_FORMAT, where, 'check file');
    this.release = r.header.release;
    this.indexFrom = r.header.indexFrom;
    this.codes = r.strings('codes');
    this.canon = r.strings('canon');
    this.title = r.strings('title');
    this.status = r.view('status', Uint8Array);
    this.lists = r.view('lists', Int32Array);
    this.seventh = r.view('seventh', Int32Array);
    this.listStart = r.view('listStart', Uint32Array);
    this.listNotes = r.view('listNotes', Uint32Array);
    this.noteKind = r.view('noteKind', Uint8Array);
    this.noteText = r.strings('noteText');
    this.noteFrom = r.strings('noteFrom');
    this.noteRelease = r.strings('noteRelease');
    this.setFrom = r.strings('setFrom');
    this.setStart = r.view('setStart', Uint32Array);
    this.optChar = r.strings('optChar');
    this.optMeaning = r.strings('optMeaning');
    this.belowFrom = r.view('belowFrom', Int32Array);
    this.belowTo = r.view('belowTo', Int32Array);
    this.docStart = r.view('docStart', Uint32Array);
    this.docRanges = r.view('docRanges', Int32Array);
    const n = this.codes.length;
    const perCode = [this.status, this.seventh, this.canon, this.title, this.belowFrom, this.belowTo];
    if (perCode.some((t) => t.length !== n) || this.lists.length !== n * LIST_KINDS.length || this.docStart.length !== this.listStart.length) throw r.bad('tables of different lengths');
    this.noteMemo = new Array<CodeNote | undefined>(this.noteKind.length).fill(undefined);
    this.listMemo = new Array<readonly CodeNote[] | undefined>(this.listStart.length - 1).fill(undefined);
    this.docMemo = new Array<readonly number[] | undefined>(this.listStart.length - 1).fill(undefined);
    this.setMemo = new Array<NonNullable<FactParts['seventh']> | undefined>(this.setFrom.length).fill(undefined);
  }

  /** How many codes the file holds. */
  get size(): number {
    return this.codes.length;
  }

  find(indexCode: string): number {
    return this.codes.find(indexCode);
  }

  parts(i: number): FactParts {
    const s = this.status[i]!;
    const status = s === STATED ? 'needs-more-characters' : STATUSES[s]!;
    if (status === 'not-in-release') return { status, stated: false, codeFirst: NONE, useAdditional: NONE, codeAlso: NONE, excludes1: NONE };
    const at = i * LIST_KINDS.length;
    const parts: FactParts = {
      code: this.canon.at(i),
      title: this.title.at(i),
      status,
      stated: s === STATED,
      codeFirst: this.list(this.lists[at]!),
      useAdditional: this.list(this.lists[at + 1]!),
      codeAlso: this.list(this.lists[at + 2]!),
      excludes1: this.list(this.lists[at + 3]!),
    };
    const set = this.seventh[i]!;
    if (set >= 0) parts.seventh = this.set(set);
    if (this.belowFrom[i]! >= 0) parts.below = [this.belowFrom[i]!, this.belowTo[i]!];
    const l = this.lists[at + 1]!;
    if (l > 0) parts.additionalDocs = this.docs(l);
    return parts;
  }

  /** The document ranges a use-additional list names (flat pairs), made once per list. */
  private docs(list: number): readonly number[] {
    let out = this.docMemo[list];
    if (!out) this.docMemo[list] = out = Object.freeze(Array.from(this.docRanges.subarray(this.docStart[list]!, this.docStart[list + 1]!)));
    return out;
  }

  private list(id: number): readonly CodeNote[] {
    if (id === 0) return NONE;
    let out = this.listMemo[id];
    if (!out) {
      const notes: CodeNote[] = [];
      for (let k = this.listStart[id]!; k < this.listStart[id + 1]!; k++) notes.push(this.note(this.listNotes[k]!));
      this.listMemo[id] = out = Object.freeze(notes);
    }
    return out;
  }

  private note(id: number): CodeNote {
    let n = this.noteMemo[id];
    if (!n) {
      // The fields in the order the release writes them (see Icd10cmRelease.notesOf).
      const note: CodeNote = { kind: NOTE_KINDS[this.noteKind[id]!]!, text: this.noteText.at(id), from: this.noteFrom.at(id) };
      if (this.noteRelease.byteLength(id) > 0) note.release = this.noteRelease.at(id);
      this.noteMemo[id] = n = Object.freeze(note);
    }
    return n;
  }

  private set(id: number): NonNullable<FactParts['seventh']> {
    let out = this.setMemo[id];
    if (!out) {
      const options: SeventhCharacter[] = [];
      for (let k = this.setStart[id]!; k < this.setStart[id + 1]!; k++) options.push(Object.freeze({ char: this.optChar.at(k), meaning: this.optMeaning.at(k) }));
      this.setMemo[id] = out = Object.freeze({ from: this.setFrom.at(id), options: Object.freeze(options) });
    }
    return out;
  }
}
