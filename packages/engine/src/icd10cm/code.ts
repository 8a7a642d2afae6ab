/**
 * ICD-10-CM code grammar: a letter, then a digit (or, since FY2026's QA0
 * block, a letter), a digit or letter (the category), then up to four
 * characters after the dot. The letter U is
 * reserved for emergency use (U07.1 …) and is valid. Placeholder X fills
 * empty positions before a 7th character.
 */
export const CM_CHARS = /^[A-Z0-9]*$/;

/** A code written as releases write it ("E11.22", "S72.001A"). */
export const CANONICAL_CM = /^[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?$/;

/** Upper case, no spaces, dot after the third character. Returns the input cleaned when it cannot be shaped. */
export function normalizeCm(input: string): string {
  if (CANONICAL_CM.test(input)) return input;
  const bare = input.normalize('NFKC').toUpperCase().replace(/[\s.]/g, '');
  if (bare.length <= 3) return bare;
  return `${bare.slice(0, 3)}.${bare.slice(3)}`;
}

/** The code without its dot, as in the order file. */
export function bareCm(code: string): string {
  return code.replace('.', '');
}

export type ShapeProblem = { position?: number; message: string; code: 'EMPTY' | 'INVALID_CHARACTER' | 'INVALID_FORMAT' };

/** Problems with the written form alone, before any release is consulted. */
export function shapeProblems(input: string, normalized: string): ShapeProblem[] {
  const bare = normalized.replace('.', '');
  if (bare.length === 0) return [{ code: 'EMPTY', message: 'no code given' }];
  const bad = [...bare].findIndex((ch) => !/[A-Z0-9]/.test(ch));
  if (bad >= 0) {
    const shown = JSON.stringify(bare[bad]);
    return [{ code: 'INVALID_CHARACTER', position: bad + 1, message: `character ${bad + 1} (${shown}) is not a letter or digit` }];
  }
  if (!/^[A-Z]/.test(bare)) return [{ code: 'INVALID_CHARACTER', position: 1, message: 'an ICD-10-CM code starts with a letter' }];
  if (bare.length < 3) return [{ code: 'INVALID_FORMAT', message: 'an ICD-10-CM code has at least three characters' }];
  if (bare.length > 7) return [{ code: 'INVALID_FORMAT', message: `an ICD-10-CM code has at most seven characters; "${input.trim()}" has ${bare.length}` }];
  return [];
}

/** The stem a 7th-character code is built on: the first six characters with trailing placeholder X removed. */
export function stemOf(code: string): string {
  return code.slice(0, 7).replace(/X+$/, '');
}

/** Pad a stem with placeholder X to six characters (plus dot) so a 7th character can follow. */
export function padForSeventh(stem: string): string {
  let s = stem;
  while (s.replace('.', '').length < 6) s += s.length === 3 ? '.X' : 'X';
  return s;
}
