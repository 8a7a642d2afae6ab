import { distance } from 'fastest-levenshtein';
import { prefixRange } from '../util/sorted.js';

export { prefixRange };

/**
 * Nearest codes of a flat, sorted code list (HCPCS, CPT, ICD-9): the codes
 * sharing the longest prefix with the input, ranked by edit distance; the
 * whole list when no prefix of at least `minPrefix` characters is shared.
 * Shared by the code lists that have no hierarchy of their own.
 */
export function nearestCodes(sorted: readonly string[], code: string, limit = 5, minPrefix = 1): string[] {
  let pool: readonly string[] = [];
  for (let len = code.length - 1; len >= minPrefix && pool.length === 0; len--) pool = prefixRange(sorted, code.slice(0, len));
  if (pool.length === 0) pool = sorted;
  return pool
    .map((c) => ({ c, d: distance(c, code) }))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0))
    .slice(0, limit)
    .map((x) => x.c);
}
