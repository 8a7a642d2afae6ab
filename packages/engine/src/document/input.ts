import { MedcoderError } from '../errors.js';

/** Largest note accepted, in characters (about 2,000 pages of text). */
export const MAX_NOTE_CHARS = 4_000_000;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Clinical text from a string or raw bytes, checked: bytes must be UTF-8, and
 * text that looks binary (NUL characters, or mostly control characters) is
 * refused with a clear error instead of being coded as gibberish.
 */
export function clinicalText(input: string | Uint8Array, opts: { maxChars?: number } = {}): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    try {
      text = decoder.decode(input);
    } catch {
      throw new MedcoderError('INVALID_ARGUMENT', 'the note is not valid UTF-8 text', { reason: 'encoding' });
    }
  } else {
    throw new MedcoderError('INVALID_ARGUMENT', `the note must be text, not ${input === null ? 'null' : typeof input}`, { reason: 'type' });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const max = opts.maxChars ?? MAX_NOTE_CHARS;
  if (text.length > max) {
    throw new MedcoderError('INVALID_ARGUMENT', `the note has ${text.length.toLocaleString('en-US')} characters; at most ${max.toLocaleString('en-US')} are coded at once`, { reason: 'size', size: text.length, max });
  }
  if (looksBinary(text)) throw new MedcoderError('INVALID_ARGUMENT', 'the note looks like binary data, not text', { reason: 'binary' });
  return text;
}

/** NUL characters, or more than 10% control characters in the first 64 KB. */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 65536);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  return n > 0 && control / n > 0.1;
}
