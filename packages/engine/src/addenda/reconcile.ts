import { stemOf } from '../icd10cm/code.js';
import type { CmCompiled } from '../icd10cm/compiled.js';
import type { TabularModel, ModelNode } from './apply-tabular.js';
import { textKey } from './text.js';

/**
 * After a fiscal year's addenda, the year's official order file is the word
 * on which codes exist, which are billable and how they are titled. What the
 * addenda did not carry (a mid-year update without an addendum at hand, a
 * silent correction of a title) is taken from the order file into the model,
 * so the next year's addenda find the codes they name; every such change is
 * listed.
 */
export interface Reconciliation {
  /** The official release whose order file was used. */
  release: string;
  /** Codes added from the order file (headers and codes; full 7th-character codes follow from their stems). */
  added: Array<{ code: string; title: string }>;
  /** Codes removed because the order file does not have them. */
  removed: string[];
  /** Titles taken from the order file. */
  retitled: Array<{ code: string; from: string; to: string }>;
}

function hasSeventh(model: TabularModel, node: ModelNode | undefined): boolean {
  for (let cur = node; cur; cur = cur.parent ? model.nodes.get(cur.parent) : undefined) if (cur.seven?.length) return true;
  return false;
}

export function reconcileWithOrder(model: TabularModel, mine: CmCompiled, order: CmCompiled, release: string): Reconciliation {
  const out: Reconciliation = { release, added: [], removed: [], retitled: [] };
  const compiled = new Map(mine.nodes.map((n) => [n.c, n]));
  const official = new Map(order.nodes.map((n) => [n.c, n]));
  const mark = (code: string) => model.changedBy.set(`code:${code}`, { orderFile: release });
  for (const o of [...order.nodes].sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0))) {
    if (compiled.has(o.c) || model.nodes.has(o.c)) continue;
    // A full code of a stem that takes 7th characters is implied by the stem.
    if (o.c.replace('.', '').length === 7) {
      const stem = model.nodes.get(stemOf(o.c));
      if (stem && stem.children.length === 0 && hasSeventh(model, stem)) continue;
    }
    const node: ModelNode = { code: o.c, title: o.t, children: [] };
    if (o.c.replace('.', '').length === 3) {
      const s = model.sectionFor(o.c);
      if (s) node.section = s.id;
    } else {
      const parent = model.parentFor(o.c);
      if (!parent) continue;
      node.parent = parent.code;
      const moved = parent.children.filter((k) => k.startsWith(o.c));
      for (const k of moved) model.nodes.get(k)!.parent = o.c;
      node.children = moved;
      parent.children = [...parent.children.filter((k) => !k.startsWith(o.c)), o.c].sort();
    }
    model.nodes.set(o.c, node);
    mark(o.c);
    out.added.push({ code: o.c, title: o.t });
  }
  for (const n of mine.nodes) {
    if (!n.b || official.has(n.c) || n.k === 'extension' || !model.nodes.has(n.c)) continue;
    model.remove(n.c);
    mark(n.c);
    out.removed.push(n.c);
  }
  for (const m of model.nodes.values()) {
    const o = official.get(m.code);
    if (!o || o.t === m.title || textKey(o.t) === textKey(m.title)) continue;
    out.retitled.push({ code: m.code, from: m.title, to: o.t });
    m.title = o.t;
    mark(m.code);
  }
  return out;
}
