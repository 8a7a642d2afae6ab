/**
 * Tokens of clinical text with character offsets into the original string,
 * so evidence can always point at the exact characters a coder typed.
 */

export type TokenKind = 'word' | 'number' | 'punct';

export interface Token {
  /** Position in the document's token list. */
  index: number;
  /** Offset of the first character (UTF-16 code units, as JavaScript strings index). */
  start: number;
  /** Offset after the last character. */
  end: number;
  /** The original characters. */
  text: string;
  /** Lower case, accents removed. */
  norm: string;
  kind: TokenKind;
  /** Index of the sentence holding the token. */
  sentence: number;
}

const LETTER = /\p{L}/u;

/** Lower case and accents removed (é → e, ß stays). */
export function foldCase(s: string): string {
  // Fast path for plain ASCII, the common case.
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function isWordChar(code: number): boolean {
  // ASCII letters and digits quickly; anything else through the Unicode class.
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57)) return true;
  if (code < 128) return false;
  return LETTER.test(String.fromCharCode(code)) || (code >= 0x300 && code <= 0x36f);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11 || code === 0xa0 || code === 0x2028 || code === 0x2029;
}

/**
 * Split text into words, numbers and punctuation. A word is a run of letters
 * and digits ("covid19", "3a", "T2DM"); an apostrophe between letters stays
 * inside it ("Crohn's" → "crohn's"). A number keeps a decimal point or comma
 * between digits ("3.5", "1,000"). Hyphens and slashes split words
 * ("acute-on-chronic" → acute, -, on, -, chronic). Every other non-space
 * character is a punctuation token of its own.
 */
export function tokenize(text: string, from = 0, to = text.length): Array<Omit<Token, 'index' | 'sentence'>> {
  const out: Array<Omit<Token, 'index' | 'sentence'>> = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isWordChar(c)) {
      const start = i;
      let allDigits = true;
      while (i < to) {
        const d = text.charCodeAt(i);
        if (isWordChar(d)) {
          if (!isDigit(d)) allDigits = false;
          i++;
        } else if ((d === 39 || d === 0x2019) && i + 1 < to && isWordChar(text.charCodeAt(i + 1)) && !allDigits) {
          i++;
        } else if ((d === 46 || d === 44) && allDigits && i + 1 < to && isDigit(text.charCodeAt(i + 1))) {
          i++;
        } else break;
      }
      const raw = text.slice(start, i);
      out.push({ start, end: i, text: raw, norm: foldCase(raw).replace(/\u2019/g, "'"), kind: allDigits ? 'number' : 'word' });
      continue;
    }
    // A surrogate pair is one punctuation token.
    const len = c >= 0xd800 && c <= 0xdbff && i + 1 < to ? 2 : 1;
    const raw = text.slice(i, i + len);
    out.push({ start: i, end: i + len, text: raw, norm: raw, kind: 'punct' });
    i += len;
  }
  return out;
}
