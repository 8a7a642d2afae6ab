import type { CodeMatcher } from './codiesp.js';

/** What the coder did with one note: its suggestions, and its suppressed mentions with their reasons. */
export interface CodedNote {
  codes: readonly string[];
  suppressed: ReadonlyArray<{ code: string; reason: string }>;
}

/**
 * Where the gold codes of a labelled corpus went, compared by scoring key:
 * suggested; found but suppressed (by the reason of the first suppressed
 * mention with that key); a code of the same 3-character category found
 * instead; or not found at all. Gold codes with no counterpart in the
 * release are left out, as scoring counts them but nothing can match them.
 *
 * `ceiling` is the MAP a perfect ranking would reach: every gold code among
 * the suggestions (or among all candidates, suppressed ones too) ranked
 * first and nothing else kept. No reordering or threshold can do better.
 */
export interface GoldFate {
  gold: number;
  suggested: number;
  suppressed: Record<string, number>;
  sibling: number;
  absent: number;
  ceiling: { suggested: number; candidates: number };
}

export function goldFate(gold: Map<string, string[]>, coded: Map<string, CodedNote>, matcher: CodeMatcher): GoldFate {
  const fate: GoldFate = { gold: 0, suggested: 0, suppressed: {}, sibling: 0, absent: 0, ceiling: { suggested: 0, candidates: 0 } };
  let docs = 0;
  for (const [id, goldCodes] of gold) {
    const note = coded.get(id);
    const suggested = new Set((note?.codes ?? []).map((c) => matcher.key(c)));
    const suppressed = new Map<string, string>();
    for (const s of note?.suppressed ?? []) {
      const k = matcher.key(s.code);
      if (!suggested.has(k) && !suppressed.has(k)) suppressed.set(k, s.reason);
    }
    const categories = new Set([...suggested, ...suppressed.keys()].map((k) => k.slice(0, 3)));
    const keys = new Set(goldCodes.map((c) => matcher.key(c)));
    docs++;
    let inSuggested = 0;
    let inSuppressed = 0;
    for (const k of keys) {
      if (!matcher.valid(k)) continue;
      fate.gold++;
      const reason = suppressed.get(k);
      if (suggested.has(k)) inSuggested++;
      else if (reason !== undefined) {
        inSuppressed++;
        fate.suppressed[reason] = (fate.suppressed[reason] ?? 0) + 1;
      }
      else if (categories.has(k.slice(0, 3))) fate.sibling++;
      else fate.absent++;
    }
    fate.suggested += inSuggested;
    if (keys.size) {
      fate.ceiling.suggested += inSuggested / keys.size;
      fate.ceiling.candidates += (inSuggested + inSuppressed) / keys.size;
    }
  }
  if (docs) {
    fate.ceiling.suggested /= docs;
    fate.ceiling.candidates /= docs;
  }
  return fate;
}
