import { tokenize } from '../document/tokens.js';
import { isStopWord, termOf } from './normalize.js';

/** Longest key the dictionary keeps (in terms); longer titles are too specific to be written that way in a note. */
export const MAX_KEY_TERMS = 8;

/**
 * The key of a phrase: the distinct matching terms of its words, stop words
 * left out, in first-seen order. Parenthesised text is dropped (nonessential
 * modifiers and "(see …)" remarks).
 */
export function phraseTerms(phrase: string): string[] {
  const text = phrase.replace(/\([^()]*\)/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (t.kind === 'punct' || isStopWord(t.norm)) continue;
    const term = termOf(t.norm);
    if (term && !out.includes(term)) out.push(term);
  }
  return out;
}
