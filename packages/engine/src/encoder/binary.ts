import { MedcoderError } from '../errors.js';

/**
 * The encoder's file layout, shared by search.bin and the index walk files:
 * an 8-byte preamble (magic number, header length), a JSON header, then
 * typed-array sections each on an 8-byte boundary. A reader makes views over
 * the bytes and builds nothing, so opening a file costs little more than
 * reading it. Strings are kept as UTF-8 in one blob per table, with byte
 * offsets, and may carry a hash table so a string is found without a Map.
 */

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface FileHeader {
  format: number;
  sections: Record<string, [offset: number, length: number]>;
}

type View = ArrayBufferView & { buffer: ArrayBufferLike };

/** Collects sections, then lays them out after a JSON header. */
export class SectionWriter {
  private readonly sections: Array<[string, View]> = [];

  add(name: string, view: View): void {
    this.sections.push([name, view]);
  }

  /** A string table: blob and offsets, with a hash table for lookups when `lookup` is set. */
  addStrings(name: string, list: readonly string[], lookup = false): void {
    const packed = packUtf8(list);
    this.add(`${name}.blob`, packed.blob);
    this.add(`${name}.offsets`, packed.offsets);
    if (lookup) this.add(`${name}.hash`, hashSlots(list));
  }

  /**
   * A table of texts with many words in common (titles, index paths): each
   * text is a run of ids into a dictionary of pieces, a piece being a word
   * with the white space after it. Ids take 16 bits while the dictionary
   * has fewer than 65,536 pieces.
   */
  addPieces(name: string, list: readonly string[]): void {
    const dict: string[] = [];
    const idOf = new Map<string, number>();
    const start = new Uint32Array(list.length + 1);
    const ids: number[] = [];
    list.forEach((text, i) => {
      start[i] = ids.length;
      for (const piece of text.match(PIECE) ?? []) {
        let id = idOf.get(piece);
        if (id === undefined) {
          id = dict.length;
          dict.push(piece);
          idOf.set(piece, id);
        }
        ids.push(id);
      }
    });
    start[list.length] = ids.length;
    this.addStrings(`${name}.dict`, dict);
    this.add(`${name}.start`, start);
    if (dict.length < 0x10000) this.add(`${name}.ids16`, Uint16Array.from(ids));
    else this.add(`${name}.ids32`, Uint32Array.from(ids));
  }

  build<H extends Omit<FileHeader, 'sections'>>(magic: number, header: H): Uint8Array {
    const align = (n: number) => (n + 7) & ~7;
    const full: FileHeader = { ...header, sections: {} };
    let offset = 0;
    for (const [name, view] of this.sections) {
      full.sections[name] = [offset, view.byteLength];
      offset = align(offset + view.byteLength);
    }
    const headerBytes = Buffer.from(JSON.stringify(full), 'utf8');
    const base = align(8 + headerBytes.length);
    const out = new Uint8Array(base + offset);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, magic, true);
    dv.setUint32(4, headerBytes.length, true);
    out.set(headerBytes, 8);
    for (const [name, view] of this.sections) {
      out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), base + full.sections[name]![0]);
    }
    return out;
  }
}

type TypedCtor<T> = { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number };

/** Typed views over a file written by SectionWriter. */
export class SectionReader<H extends FileHeader> {
  readonly header: H;
  private readonly buf: Uint8Array;
  private readonly base: number;

  constructor(bytes: Uint8Array, magic: number, format: number, private readonly where: string, private readonly what: string) {
    if (bytes.byteLength < 8) throw this.bad('too short');
    // Typed views need aligned offsets: copy when the bytes do not start on an 8-byte boundary.
    const buf = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (dv.getUint32(0, true) !== magic) throw this.bad('wrong magic number');
    const headerLength = dv.getUint32(4, true);
    if (8 + headerLength > buf.byteLength) throw this.bad('header is cut short');
    let header: H;
    try {
      header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, headerLength).toString('utf8')) as H;
    } catch {
      throw this.bad('unreadable header');
    }
    if (header.format !== format) {
      // The formats found and expected ride along, so a reader may rebuild a file an older import wrote.
      throw new MedcoderError('RELEASE_CORRUPT', `${where} is a medcoder ${what} of format ${header.format}, this version reads format ${format}; run "medcoder codesets import --force"`, { path: where, format: header.format, expected: format });
    }
    this.header = header;
    this.buf = buf;
    this.base = buf.byteOffset + ((8 + headerLength + 7) & ~7);
  }

  bad(why: string): MedcoderError {
    return new MedcoderError('RELEASE_CORRUPT', `${this.where} is not a medcoder ${this.what} (${why}); run "medcoder codesets import --force"`, { path: this.where });
  }

  has(name: string): boolean {
    return this.header.sections[name] !== undefined;
  }

  view<T>(name: string, Ctor: TypedCtor<T>): T {
    const s = this.header.sections[name];
    if (!s) throw this.bad(`no section ${name}`);
    if (this.base + s[0] + s[1] > this.buf.byteOffset + this.buf.byteLength) throw this.bad(`section ${name} is cut short`);
    if (s[1] % Ctor.BYTES_PER_ELEMENT !== 0) throw this.bad(`section ${name} has a partial element`);
    return new Ctor(this.buf.buffer, this.base + s[0], s[1] / Ctor.BYTES_PER_ELEMENT);
  }

  pieces(name: string): PieceTable {
    const ids = this.has(`${name}.ids16`) ? this.view(`${name}.ids16`, Uint16Array) : this.view(`${name}.ids32`, Uint32Array);
    return new PieceTable(this.strings(`${name}.dict`), this.view(`${name}.start`, Uint32Array), ids);
  }

  strings(name: string): StringTable {
    const hashName = `${name}.hash`;
    return new StringTable(this.view(`${name}.blob`, Uint8Array), this.view(`${name}.offsets`, Uint32Array), this.has(hashName) ? this.view(hashName, Uint32Array) : undefined);
  }
}

const ASCII = /^[\x00-\x7f]*$/;

/** A word and the white space after it (or white space at the start): texts split into these join back unchanged. */
const PIECE = /\s+|\S+\s*/g;

/** Texts written by addPieces: decoded by joining their pieces (each piece decoded once, when first needed). */
export class PieceTable {
  private readonly decoded: Array<string | undefined>;

  constructor(
    private readonly dict: StringTable,
    private readonly start: Uint32Array,
    private readonly ids: Uint16Array | Uint32Array,
  ) {
    this.decoded = new Array<string | undefined>(dict.length);
  }

  get length(): number {
    return this.start.length - 1;
  }

  at(i: number): string {
    let out = '';
    for (let k = this.start[i]!; k < this.start[i + 1]!; k++) {
      const id = this.ids[k]!;
      out += this.decoded[id] ??= this.dict.at(id);
    }
    return out;
  }
}

/** Strings as UTF-8 in one blob, with byte offsets (`offsets[i]` to `offsets[i + 1]`). */
export function packUtf8(list: readonly string[]): { blob: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(list.length + 1);
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < list.length; i++) {
    offsets[i] = at;
    const b = Buffer.from(list[i]!, 'utf8');
    parts.push(b);
    at += b.length;
  }
  offsets[list.length] = at;
  const blob = new Uint8Array(at);
  at = 0;
  for (const b of parts) {
    blob.set(b, at);
    at += b.length;
  }
  return { blob, offsets };
}
export { StringPool } from '../util/string-pool.js';

/** Open-addressing slots (a power of two, at least twice the count): id + 1, 0 for empty. */
export function hashSlots(list: readonly string[]): Uint32Array {
  let size = 2;
  while (size < list.length * 2) size *= 2;
  const slots = new Uint32Array(size);
  const mask = size - 1;
  list.forEach((s, id) => {
    let i = hash32(s) & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  });
  return slots;
}

/** A string table read back: strings decoded on demand; found by value through the hash slots when present. */
export class StringTable {
  private readonly text: Buffer;
  private readonly mask: number;

  constructor(
    blob: Uint8Array,
    private readonly offsets: Uint32Array,
    private readonly slots?: Uint32Array,
  ) {
    this.text = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    this.mask = slots ? slots.length - 1 : 0;
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  at(i: number): string {
    return this.text.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** Byte length of string i (its character count when it is ASCII). */
  byteLength(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]!;
  }

  /** First byte of string i (-1 for the empty string). */
  firstByte(i: number): number {
    const s = this.offsets[i]!;
    return s < this.offsets[i + 1]! ? this.text[s]! : -1;
  }

  /** Id of a string, or -1 (needs the hash slots). */
  find(s: string): number {
    const slots = this.slots;
    if (!slots) throw new MedcoderError('RELEASE_CORRUPT', 'an encoder string table was written without lookup slots; run "medcoder codesets import --force"');
    let i = hash32(s) & this.mask;
    for (;;) {
      const id = slots[i]!;
      if (id === 0) return -1;
      if (this.equals(id - 1, s)) return id - 1;
      i = (i + 1) & this.mask;
    }
  }

  /** Whether string i equals s, without decoding when the lengths differ or s is ASCII. */
  equals(i: number, s: string): boolean {
    const start = this.offsets[i]!;
    const len = this.offsets[i + 1]! - start;
    if (len < s.length) return false;
    if (len === s.length) {
      // Same byte and character count: equal only if both are ASCII and match byte for byte.
      const text = this.text;
      for (let k = 0; k < len; k++) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) return this.at(i) === s;
        if (text[start + k] !== c) return false;
      }
      return true;
    }
    return this.at(i) === s;
  }

  /** Whether string i starts with a prefix (compared byte by byte while the prefix is ASCII). */
  startsWith(i: number, prefix: string): boolean {
    const start = this.offsets[i]!;
    const len = this.offsets[i + 1]! - start;
    if (len < prefix.length) return false;
    const text = this.text;
    for (let k = 0; k < prefix.length; k++) {
      const c = prefix.charCodeAt(k);
      if (c >= 0x80) return this.at(i).startsWith(prefix);
      if (text[start + k] !== c) return false;
    }
    return true;
  }

  /**
   * Order of string i against an ASCII string: for ASCII, UTF-8 bytes sort as
   * code units do, and a byte of a longer UTF-8 sequence (0x80 and up) sorts
   * after every ASCII character, as its character does.
   */
  private compareAscii(i: number, s: string): number {
    const start = this.offsets[i]!;
    const len = this.offsets[i + 1]! - start;
    const n = Math.min(len, s.length);
    const text = this.text;
    for (let k = 0; k < n; k++) {
      const d = text[start + k]! - s.charCodeAt(k);
      if (d !== 0) return d;
    }
    return len - s.length;
  }

  /** Position of the first string >= s in a table sorted by code unit order. */
  lowerBound(s: string): number {
    // "prefix\uffff", the usual upper end of a prefix run: the end of the run, found without decoding
    // (a string holding U+FFFF right after the prefix, which no code or stem does, would sort after it).
    if (s.length > 1 && s.charCodeAt(s.length - 1) === 0xffff) {
      const prefix = s.slice(0, -1);
      if (ASCII.test(prefix)) return this.prefixEnd(prefix, this.lowerBound(prefix));
    }
    let lo = 0;
    let hi = this.length;
    const ascii = ASCII.test(s);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ascii ? this.compareAscii(mid, s) < 0 : this.at(mid) < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * End of the run of strings starting with a prefix, the run beginning at
   * `from` (its lowerBound): in a table sorted by code unit order the
   * strings with a prefix are one run, so the end is found by bisection.
   */
  prefixEnd(prefix: string, from: number): number {
    let lo = from;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.startsWith(mid, prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Every string, decoded (for tests and tools). */
  all(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i));
    return out;
  }
}
