/**
 * X12 segments: splitting a file into segments and elements, and writing
 * segments back with a chosen set of delimiters.
 *
 * A segment is held as an array whose first item is the segment tag
 * (`['NM1', '85', '2', 'CLINIC', …]`). While reading, composite elements stay
 * as raw text (`HC:99213:25`); `components()` splits one on demand. Segments
 * built for writing may give a composite as an array of components instead.
 *
 * This is the hot path of reading and writing 837 files, so it is kept
 * small and allocation-light; see scripts/bench.mjs (mode x12).
 */
import { MedcoderError } from '../errors.js';

export interface Delimiters {
  /** Separates elements (ISA position 4, usually `*`). */
  element: string;
  /** Separates the components of a composite element (ISA16, usually `:`). */
  component: string;
  /** Separates repeats of an element (ISA11, usually `^`). */
  repetition: string;
  /** Ends a segment (the character after ISA16, usually `~`). */
  segment: string;
  /** Written after each segment terminator (`\n` for readable files, '' for none). */
  newline?: string;
}

export const DEFAULT_DELIMITERS: Readonly<Delimiters> = { element: '*', component: ':', repetition: '^', segment: '~', newline: '' };

/** A segment as read: tag first, then its elements as raw text. */
export type Segment = string[];

/** An element to write: text, a composite (components), or nothing. */
export type OutElement = string | readonly (string | undefined)[] | undefined;
/** A segment to write: tag first. */
export type OutSegment = readonly [string, ...OutElement[]];

/** The components of a composite element as read. */
export function components(element: string | undefined, d: Delimiters): string[] {
  if (!element) return [];
  return element.indexOf(d.component) < 0 ? [element] : element.split(d.component);
}

/** Element `n` (1-based, as in NM103) of a segment as read, or ''. */
export function el(seg: Segment, n: number): string {
  return seg[n] ?? '';
}

// ISA is fixed-width: the element separator is its 4th character, the
// component separator the 105th and the segment terminator the 106th.
const ISA_LENGTH = 106;

/** Read the delimiters from the ISA segment at `start`. */
export function delimitersAt(text: string, start: number): Delimiters {
  if (text.length < start + ISA_LENGTH || text.slice(start, start + 3) !== 'ISA') {
    throw new MedcoderError('X12_MALFORMED', 'the file does not start with a complete ISA segment', { offset: start });
  }
  const element = text[start + 3]!;
  const isa = text.slice(start, start + ISA_LENGTH - 1).split(element);
  if (isa.length !== 17) {
    throw new MedcoderError('X12_MALFORMED', `the ISA segment has ${isa.length - 1} elements, not 16 (it must be 106 characters long)`, { offset: start });
  }
  const component = text[start + ISA_LENGTH - 2]!;
  const segment = text[start + ISA_LENGTH - 1]!;
  const rep = isa[11]!;
  // ISA11 is the repetition separator from version 00402 on; before, it was the standards id 'U'.
  const repetition = rep.length === 1 && !/[A-Za-z0-9 ]/.test(rep) ? rep : '^';
  let newline = '';
  if (text[start + ISA_LENGTH] === '\r' && text[start + ISA_LENGTH + 1] === '\n') newline = '\r\n';
  else if (text[start + ISA_LENGTH] === '\n') newline = '\n';
  if ([element, component, segment].some((c) => /[A-Za-z0-9 ]/.test(c)) || new Set([element, component, segment]).size !== 3) {
    throw new MedcoderError('X12_MALFORMED', `the ISA delimiters are not usable: element "${element}", component "${component}", segment "${segment}"`);
  }
  return { element, component, repetition, segment, newline };
}

/** Where the interchange starts: text before ISA (a cover note) is skipped. */
export function findInterchange(text: string): number {
  const i = text.indexOf('ISA');
  if (i < 0) throw new MedcoderError('X12_MALFORMED', 'no ISA segment: this is not an X12 interchange');
  return i;
}

export interface Tokenized {
  delimiters: Delimiters;
  segments: Segment[];
  /** Character offset of the ISA segment in the input. */
  start: number;
}

/**
 * Call `visit` with each segment of the interchange that starts at `start`,
 * in order, without keeping them: a reader that builds claims as it goes
 * holds one claim's segments at a time. Line breaks and blanks between
 * segments are skipped; reading stops after IEA.
 */
export function forEachSegment(text: string, start: number, d: Delimiters, visit: (seg: Segment) => void): void {
  const term = d.segment;
  const sep = d.element;
  let pos = start;
  const n = text.length;
  while (pos < n) {
    let c = text.charCodeAt(pos);
    if (c <= 32) {
      // Line breaks and blanks between segments.
      while (c === 10 || c === 13 || c === 32 || c === 9) {
        if (++pos >= n) return;
        c = text.charCodeAt(pos);
      }
    }
    let end = text.indexOf(term, pos);
    if (end < 0) end = n;
    // Cut the elements straight out of the text (faster than slicing the segment and splitting it).
    const seg: Segment = [];
    let a = pos;
    for (;;) {
      let z = text.indexOf(sep, a);
      if (z < 0 || z > end) z = end;
      seg.push(text.substring(a, z));
      if (z === end) break;
      a = z + 1;
    }
    pos = end + 1;
    visit(seg);
    if (seg[0] === 'IEA') return;
  }
}

/**
 * Split an X12 interchange into segments. Line breaks and blanks around
 * segment terminators are ignored; text before ISA and after IEA is ignored.
 */
export function tokenize(text: string): Tokenized {
  const start = findInterchange(text);
  const d = delimitersAt(text, start);
  const segments: Segment[] = [];
  forEachSegment(text, start, d, (seg) => segments.push(seg));
  return { delimiters: d, segments, start };
}

function checkText(v: string, d: Delimiters, tag: string): void {
  if (
    v.indexOf(d.element) >= 0 ||
    v.indexOf(d.segment) >= 0 ||
    v.indexOf(d.component) >= 0 ||
    (d.repetition && v.indexOf(d.repetition) >= 0)
  ) {
    throw new MedcoderError('X12_DELIMITER_IN_DATA', `${tag}: the value "${v}" contains an X12 delimiter (${d.element} ${d.component} ${d.repetition} ${d.segment})`, { tag, value: v });
  }
}

/**
 * Write one segment (with its terminator). Trailing empty elements and
 * trailing empty components are dropped, as X12 requires. Values holding a
 * delimiter are refused.
 */
export function writeSegment(seg: OutSegment, d: Delimiters): string {
  const tag = seg[0];
  const parts: string[] = [tag];
  let last = 0;
  for (let i = 1; i < seg.length; i++) {
    const e = seg[i];
    let text = '';
    if (typeof e === 'string') {
      checkText(e, d, tag);
      text = e;
    } else if (e) {
      let lastC = -1;
      for (let j = 0; j < e.length; j++) if (e[j]) lastC = j;
      if (lastC >= 0) {
        const cs: string[] = [];
        for (let j = 0; j <= lastC; j++) {
          const c = e[j] ?? '';
          checkText(c, d, tag);
          cs.push(c);
        }
        text = cs.join(d.component);
      }
    }
    parts.push(text);
    if (text) last = i;
  }
  parts.length = last + 1;
  return parts.join(d.element) + d.segment + (d.newline ?? '');
}

/** A read segment written again with other delimiters (composites re-joined). */
export function convertSegment(seg: Segment, from: Delimiters, to: Delimiters): string {
  if (from.component === to.component && from.element === to.element && from.segment === to.segment && from.repetition === to.repetition) {
    return seg.join(to.element) + to.segment + (to.newline ?? '');
  }
  const out: OutElement[] = seg.slice(1).map((e) => (e.indexOf(from.component) >= 0 ? e.split(from.component) : e));
  return writeSegment([seg[0]!, ...out], to);
}

/** X12 decimal (R) text of a number: no exponent, no trailing zeros, at most `places` decimals. */
export function decimal(n: number, places = 2): string {
  if (!Number.isFinite(n)) throw new MedcoderError('INVALID_ARGUMENT', `not a number: ${n}`);
  let s = n.toFixed(places);
  if (s.indexOf('.') >= 0) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** An X12 decimal read back as a number (NaN when it is not one). */
export function readDecimal(s: string | undefined): number {
  if (!s) return NaN;
  return /^-?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN;
}

/** ISO date YYYY-MM-DD → X12 CCYYMMDD. */
export function d8(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

// A file repeats the same few dates many times: one string per date saves memory when claims are kept.
const isoDates = new Map<string, string>();

/** X12 CCYYMMDD → ISO date, or undefined when the text is not eight digits. */
export function isoFromD8(s: string | undefined): string | undefined {
  if (!s || s.length !== 8) return undefined;
  const known = isoDates.get(s);
  if (known) return known;
  if (!/^\d{8}$/.test(s)) return undefined;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  if (isoDates.size > 20000) isoDates.clear();
  isoDates.set(s, iso);
  return iso;
}
