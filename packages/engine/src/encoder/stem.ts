import porter2 from 'wink-porter2-stemmer';

/**
 * Word stems (Porter2, the English Snowball stemmer, via wink-porter2-stemmer).
 * Numbers, words with digits and words of two letters or fewer are kept as
 * they are ("3a", "b12", "mi"). Results are memoised: the same few thousand
 * clinical words come back all the time.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

export function stem(word: string, known?: (word: string) => string | undefined): string {
  let s = memo.get(word);
  if (s !== undefined) return s;
  // A word whose stem was worked out at import (the search index keeps its words' stems) is not stemmed again.
  s = known?.(word) ?? (word.length <= 2 || /[0-9]/.test(word) ? word : porter2(word));
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(word, s);
  return s;
}
