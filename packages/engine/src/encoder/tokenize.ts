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
  return unaccented(text).toLowerCase().replace(/['\u2019]s\b/g, '');
}

/** Accents dropped and control characters turned into spaces (printable ASCII has neither), the case kept. */
function unaccented(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
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
 * Places of the letter A among the words of a text (as words() gives them):
 * a capital A standing alone names a type, group or vitamin in a title
 * ("Hepatitis A", "Deficiency, vitamin, A", "Influenza A/H5N1"), where the
 * article is written in lower case. Empty when the text's case cannot be
 * lined up with its folded words.
 */
export function letterAPlaces(text: string, folded: readonly string[]): number[] {
  if (!/(?:^|[^A-Za-z0-9])A(?:$|[^A-Za-z0-9])/.test(text)) return [];
  // The words as foldText and splitWords make them, the case kept.
  const cased = unaccented(text).replace(/['\u2019]s\b/gi, '').match(/[A-Za-z0-9]+/g) ?? [];
  if (cased.length !== folded.length) return [];
  const out: number[] = [];
  cased.forEach((w, i) => {
    if (w === 'A' && folded[i] === 'a') out.push(i);
  });
  return out;
}

/**
 * Whether the word "a" at place k of a query is the letter A: it follows a
 * word the letter follows in the index's own texts ("hepatitis a", "vitamin
 * a deficiency", "group a streptococcus"), not a connecting word as the
 * article does ("fall from a ladder").
 */
export function isLetterA(words: ReadonlyArray<{ word: string }>, k: number, leads: ReadonlySet<string>): boolean {
  const before = words[k - 1]?.word;
  return words[k]?.word === 'a' && before !== undefined && leads.has(before);
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
