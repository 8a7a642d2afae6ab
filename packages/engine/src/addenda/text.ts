/**
 * Matching printed text against compiled text. The PDFs and the XML files
 * differ in small ways that carry no meaning: curly or straight quotes, dash
 * characters, a space the PDF puts before a closing bracket ("[E. coli ]"),
 * accents the order file drops. Two keys are used: an exact one with only
 * those differences removed, and a loose one of letters and digits.
 */

/** Clean printed text for storing: one space between words, no space inside brackets. */
export function cleanText(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2010\u2011\u2012\u2013\u2014\u2212]/g, '-')
    .replace(/\u00A0/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/([[(]) /g, '$1')
    .replace(/ ([\])])/g, '$1')
    .trim();
}

/** Exact key: cleaned, accents dropped, lower case, no space before punctuation. */
export function textKey(text: string): string {
  return cleanText(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ ([,;:.])/g, '$1');
}

/** Loose key: letters and digits only. */
export function looseKey(text: string): string {
  return textKey(text).replace(/[^a-z0-9]+/g, '');
}

/**
 * Where a text sits in a list: the exact key first, then the loose key.
 * Returns the indexes that match at the first level that matches any.
 */
export function findText(list: readonly string[], text: string): number[] {
  const k = textKey(text);
  const exact = list.flatMap((t, i) => (textKey(t) === k ? [i] : []));
  if (exact.length) return exact;
  const l = looseKey(text);
  return list.flatMap((t, i) => (looseKey(t) === l ? [i] : []));
}

/** Text without its parenthesised groups, nested ones included ("a (b (c)) d" gives "a d"). */
export function stripGroups(text: string): string {
  let t = text;
  for (;;) {
    const next = t.replace(/\([^()]*\)/g, ' ');
    if (next === t) break;
    t = next;
  }
  return t.replace(/\s+/g, ' ').trim();
}
