/**
 * Splitting text into the words the encoder matches on. The same rules serve
 * the index build and the query, so both sides see identical words.
 */

/** Longest query the encoder reads, in characters; longer input is refused (see checkQuery). */
export const MAX_QUERY_CHARS = 1000;
/** Words of a query beyond this count are ignored (and the answer says so). */
export const MAX_QUERY_WORDS = 24;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Lower case, accents dropped, control characters turned into spaces, and
 * "'s" dropped ("Charcot's" gives "charcot").
 */
export function foldText(text: string): string {
  // Printable ASCII has no accents or control characters to fold: only case and "'s".
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(/'s\b/g, '');
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/['\u2019]s\b/g, '');
}

/** Words of a folded text: runs of letters and digits. "type-2" gives ["type", "2"]; "3a" stays one word. */
export function splitWords(folded: string): string[] {
  return folded.match(/[a-z0-9]+/g) ?? [];
}

/** Words of any text (fold + split). */
export function words(text: string): string[] {
  return splitWords(foldText(text));
}

/**
 * Words that carry no meaning for ranking. "with", "without", "due", "in" and
 * "other" are left in: coders read them ("with" subterms, "other specified").
 */
export const STOPWORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'of', 'and', 'or', 'to', 'at', 'by', 'for', 'from', 'as', 'is', 'are', 'be', 'on']);

/** Words of the index that say how to classify, not what: left out of titles when matching. */
export const INSTRUCTION_WORDS: ReadonlySet<string> = new Set(['nec', 'nos']);

/** Small connecting words that an index title may carry without the user typing them. */
export const CONNECTORS: ReadonlySet<string> = new Set([...STOPWORDS, 'with', 'in', 'due', 'without', 'following', 'after', 'during', 'involving', 'see', 'also']);
