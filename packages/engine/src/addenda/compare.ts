import type { CmCompiled, CmNode } from '../icd10cm/compiled.js';
import { textKey } from './text.js';

/**
 * A rolled-forward tabular held against the official order file of the same
 * year: the billable codes each has that the other lacks, and billable codes
 * whose titles differ.
 */
export interface OrderComparison {
  /** Billable codes of the rolled-forward tabular. */
  billable: number;
  /** Billable codes of the order file. */
  orderBillable: number;
  /** Billable in the order file, not in the tabular. */
  missing: string[];
  /** Billable in the tabular, not in the order file. */
  extra: string[];
  /** Billable in both, with titles that differ after accents, quotes and spacing are set aside. */
  titles: Array<{ code: string; tabular: string; order: string }>;
  /** Billable in both, titles equal only once accents are dropped (the order file writes none). */
  accentOnly: number;
}

export function compareWithOrder(tabular: CmCompiled, order: CmCompiled): OrderComparison {
  const mine = new Map<string, CmNode>();
  for (const n of tabular.nodes) if (n.b) mine.set(n.c, n);
  const theirs = new Map<string, CmNode>();
  for (const n of order.nodes) if (n.b) theirs.set(n.c, n);
  const missing = [...theirs.keys()].filter((c) => !mine.has(c)).sort();
  const extra = [...mine.keys()].filter((c) => !theirs.has(c)).sort();
  const titles: OrderComparison['titles'] = [];
  let accentOnly = 0;
  for (const [code, n] of mine) {
    const o = theirs.get(code);
    if (!o || o.t === n.t) continue;
    if (textKey(o.t) === textKey(n.t)) accentOnly++;
    else titles.push({ code, tabular: n.t, order: o.t });
  }
  titles.sort((a, b) => (a.code < b.code ? -1 : 1));
  return { billable: mine.size, orderBillable: theirs.size, missing, extra, titles, accentOnly };
}
