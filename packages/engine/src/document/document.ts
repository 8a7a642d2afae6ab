import { headerAt, SECTION_LABELS, type SectionKind } from './sections.js';
import { tokenize, type Token } from './tokens.js';
import { clinicalText } from './input.js';

/**
 * The document model of a clinical note: sections recognised from their
 * headers, sentences, and tokens with offsets into the original text.
 */

export interface Section {
  index: number;
  kind: SectionKind;
  label: string;
  /** The header as written, when the section has one (the first section of a note may not). */
  header?: { start: number; end: number; text: string };
  /** Offsets of the section (header included). */
  start: number;
  end: number;
}

export interface Sentence {
  index: number;
  start: number;
  end: number;
  /** Index of the section holding the sentence. */
  section: number;
  /** Token range [firstToken, endToken). */
  firstToken: number;
  endToken: number;
}

export interface ClinicalDocument {
  text: string;
  sections: Section[];
  sentences: Sentence[];
  tokens: Token[];
}

export interface ParseOptions {
  /** Largest note accepted (characters). */
  maxChars?: number;
}

/** Longest sentence kept whole; longer runs (tables, one-line dumps) are cut so context stays local and time bounded. */
export const MAX_SENTENCE_TOKENS = 120;

/** Words after which a period does not end a sentence. */
const ABBREVIATIONS = new Set([
  'dr', 'mr', 'mrs', 'ms', 'vs', 'v', 'eg', 'e', 'g', 'i', 'ie', 'etc', 'approx', 'no', 'nos', 'fig', 'figs', 'st', 'jr', 'sr', 'prof', 'inc', 'dept',
  'mg', 'ml', 'cm', 'mm', 'kg', 'min', 'max', 'hr', 'hrs', 'wk', 'wks', 'yr', 'yrs', 'y', 'o', 'p', 'b', 'i.e', 'cf', 'al', 'sp', 'pt', 'pts', 'q', 'h',
]);

/** Parse a note into sections, sentences and tokens. Throws MedcoderError on text that cannot be coded (see clinicalText). */
export function parseDocument(input: string | Uint8Array, opts: ParseOptions = {}): ClinicalDocument {
  const text = clinicalText(input, opts);
  const sections: Section[] = [];
  const tokens: Token[] = [];
  const sentences: Sentence[] = [];

  let current: Section = { index: 0, kind: 'body', label: SECTION_LABELS.body, start: 0, end: text.length };
  sections.push(current);

  let sentenceOpen = false;
  let sentStartToken = 0;
  const closeSentence = () => {
    if (!sentenceOpen) return;
    sentenceOpen = false;
    if (tokens.length === sentStartToken) return;
    const first = tokens[sentStartToken]!;
    const last = tokens[tokens.length - 1]!;
    const index = sentences.length;
    for (let t = sentStartToken; t < tokens.length; t++) tokens[t]!.sentence = index;
    sentences.push({ index, start: first.start, end: last.end, section: current.index, firstToken: sentStartToken, endToken: tokens.length });
  };
  const openSentence = () => {
    if (sentenceOpen) return;
    sentenceOpen = true;
    sentStartToken = tokens.length;
  };

  let lineStart = 0;
  let prevLineBlank = true;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const header = headerAt(text, lineStart, lineEnd);
    let bodyFrom = lineStart;
    if (header) {
      closeSentence();
      current.end = header.start;
      current = {
        index: sections.length,
        kind: header.def.kind,
        label: header.def.label,
        header: { start: header.start, end: header.end, text: text.slice(header.start, header.end) },
        start: header.start,
        end: text.length,
      };
      sections.push(current);
      bodyFrom = header.bodyStart;
    }
    // List markers ("1.", "2)", "-", "*", "•") at the start of a line are not part of the sentence.
    const marker = /^[ \t]*(?:\d{1,2}[.)]|[-*•–])[ \t]+/.exec(text.slice(bodyFrom, Math.min(lineEnd, bodyFrom + 12)));
    if (marker) bodyFrom += marker[0].length;
    const lineTokens = tokenize(text, bodyFrom, lineEnd);
    if (lineTokens.length === 0) {
      // A blank line ends the sentence.
      closeSentence();
      prevLineBlank = true;
    } else {
      // A new line continues the sentence only when the text wraps: the
      // previous line ended on a word and this one starts in lower case.
      const first = lineTokens[0]!;
      const wraps = !prevLineBlank && sentenceOpen && tokens.length > sentStartToken && tokens[tokens.length - 1]!.kind !== 'punct' && /^[a-z]/.test(first.text);
      if (!wraps) closeSentence();
      for (let k = 0; k < lineTokens.length; k++) {
        const t = lineTokens[k]!;
        openSentence();
        // One object shape for every token (a spread would make each a dictionary-mode object).
        tokens.push({ index: tokens.length, start: t.start, end: t.end, text: t.text, norm: t.norm, kind: t.kind, sentence: sentences.length });
        if (tokens.length - sentStartToken >= MAX_SENTENCE_TOKENS) {
          closeSentence();
          continue;
        }
        if (t.kind === 'punct' && (t.text === '.' || t.text === '!' || t.text === '?')) {
          const next = lineTokens[k + 1];
          const prev = lineTokens[k - 1];
          if (!next) continue; // end of line: the next line decides
          const before = lineTokens[k - 2];
          // "Dr." and an initial ("J. Smith") do not end a sentence; the last period of "a.m." or "e.g." may.
          const dotted = before !== undefined && before.text === '.' && before.end === prev?.start;
          const abbreviation = t.text === '.' && prev && prev.end === t.start && prev.kind === 'word' && !dotted && (ABBREVIATIONS.has(prev.norm) || prev.text.length === 1);
          if (!abbreviation && (/^[A-Z0-9]/.test(next.text) || next.kind === 'punct')) closeSentence();
        }
      }
      prevLineBlank = false;
    }
    if (lineEnd >= text.length) break;
    lineStart = lineEnd + 1;
  }
  closeSentence();
  // Drop an empty leading body section when the note starts with a header.
  if (sections.length > 1 && sections[0]!.end <= sections[0]!.start + leadingSpace(text)) {
    sections.shift();
    sections.forEach((s, i) => (s.index = i));
    for (const s of sentences) s.section--;
  }
  return { text, sections, sentences, tokens };
}

function leadingSpace(text: string): number {
  const m = /^\s*/.exec(text);
  return m ? m[0].length : 0;
}

/** The section holding a character offset. */
export function sectionAt(doc: ClinicalDocument, offset: number): Section {
  let lo = 0;
  let hi = doc.sections.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.sections[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return doc.sections[lo]!;
}
