/** Searches in lists of strings kept in ascending (code-unit) order. */

/** The first position whose string is not below `key` (the list's length when all are). */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The strings of a sorted list that start with a prefix, in order, at most `limit`. */
export function prefixRange(sorted: readonly string[], prefix: string, limit = Infinity): string[] {
  const out: string[] = [];
  for (let i = lowerBound(sorted, prefix); i < sorted.length && out.length < limit && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!);
  return out;
}
