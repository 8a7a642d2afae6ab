import { readFileSync } from 'node:fs';
import type { CompileContext, CompiledOutput, ReleaseGroup, SystemCompiler } from '../releases/compiler.js';
import { releaseSpan } from '../releases/key.js';
import { MedcoderError } from '../errors.js';
import { readOrderFile, type OrderRow } from '../sources/order-file.js';
import { VALID_CODES_FILE } from '../releases/import.js';
import { parseTabular, type TabularData } from './tabular.js';
import { normalizeCm, padForSeventh, stemOf } from './code.js';
import { CM_CODES_FILE, fromFile, packCm, type CmChapter, type CmCompiled, type CmNode, type CmSection, type SeventhCharacterRule } from './compiled.js';
import { compileIndexFiles } from './index-files.js';

const RULES_URL = new URL('../../data/icd10cm/seventh-character-rules.json', import.meta.url);

/** Sentence patterns of the tabular that rule 7th characters out (data file). */
export function loadSeventhRulePatterns(): RegExp[] {
  const data = JSON.parse(readFileSync(RULES_URL, 'utf8')) as { patterns: string[] };
  return data.patterns.map((p) => new RegExp(p));
}

/**
 * Read the 7th-character rules a tabular states in its own notes, e.g. "7th
 * characters D and S do not apply to codes in category S06 with 6th character
 * 7 - death due to …, or 8 - death due to …".
 */
export function seventhRulesFrom(tab: TabularData, patterns: RegExp[] = loadSeventhRulePatterns()): SeventhCharacterRule[] {
  const rules: SeventhCharacterRule[] = [];
  for (const n of tab.nodes) {
    for (const list of Object.values(n.notes ?? {})) {
      for (const text of list ?? []) {
        for (const re of patterns) {
          const m = re.exec(text);
          const g = m?.groups;
          if (!g?.chars || !g.category || !g.sixth) continue;
          const chars = g.chars.match(/\b[A-Z]\b/g) ?? [];
          const sixth = [g.sixth.charAt(0), ...(/or ([0-9A-Z])$/.exec(g.sixth)?.slice(1) ?? [])];
          rules.push({
            category: g.category,
            stem: `^${g.category}\\.[0-9A-Z]{2}[${sixth.join('')}]$`,
            exclude: chars,
            rule: text,
          });
        }
      }
    }
  }
  return rules;
}

/** Kinds that only complete a release (indexes, tables); they never make one on their own. */
const INDEX_KINDS = new Set(['icd10cm.index', 'icd10cm.neoplasm', 'icd10cm.drug', 'icd10cm.eindex']);

/** A shared-map key for a compiled release of this run. */
const sharedKey = (id: string) => `icd10cm:${id}`;

/**
 * Build the tabular part of a compiled release: one node per `<diag>`, and
 * the full 7th-character codes the tabular implies (sevenChrDef inherited by
 * the leaves below it, placeholder X where the stem is short, minus the
 * characters the tabular's own text rules out).
 */
export function compileTabular(tab: TabularData, rules: SeventhCharacterRule[]): CmCompiled {
  const nodes = new Map<string, CmNode>();
  const byCode = new Map(tab.nodes.map((n) => [n.code, n]));
  for (const n of tab.nodes) {
    const bare = n.code.replace('.', '');
    const node: CmNode = {
      c: n.code,
      t: n.title,
      k: bare.length === 3 ? 'category' : n.children.length ? 'subcategory' : 'code',
      b: n.children.length ? 0 : 1,
    };
    if (n.parent) node.p = n.parent;
    else node.sec = n.section;
    if (n.notes) node.n = n.notes;
    if (n.sevenChrDef) node.x = n.sevenChrDef.chars;
    nodes.set(n.code, node);
  }
  // 7th characters: a leaf under (or at) a node with sevenChrDef takes them.
  for (const n of tab.nodes) {
    if (n.children.length) continue;
    let def: Array<[string, string]> | undefined;
    for (let cur: typeof n | undefined = n; cur; cur = cur.parent ? byCode.get(cur.parent) : undefined) {
      if (cur.sevenChrDef) {
        def = cur.sevenChrDef.chars;
        break;
      }
    }
    if (!def) continue;
    const leaf = nodes.get(n.code)!;
    leaf.b = 0;
    const padded = padForSeventh(n.code);
    const excluded = excludedChars(padded, rules);
    for (const [ch, meaning] of def) {
      if (excluded.has(ch)) continue;
      const code = padded + ch;
      nodes.set(code, { c: code, t: `${n.title}, ${meaning}`, k: 'extension', b: 1, p: n.code });
    }
  }
  return {
    chapters: tab.chapters.map((c) => ({ id: c.id, title: c.title, first: c.first, last: c.last, ...(c.notes ? { n: c.notes } : {}) })),
    sections: tab.sections.map((s) => ({ id: s.id, title: s.title, chapter: s.chapter, first: s.first, last: s.last, ...(s.notes ? { n: s.notes } : {}) })),
    nodes: [...nodes.values()].sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0)),
    seventhRules: rules,
  };
}

/** 7th characters a padded stem may not take under the tabular's textual rules. */
export function excludedChars(paddedStem: string, rules: SeventhCharacterRule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) if (paddedStem.startsWith(r.category) && new RegExp(r.stem).test(paddedStem)) r.exclude.forEach((c) => out.add(c));
  return out;
}

/** The parent of a code among known codes: the longest shorter prefix (placeholder X dropped) that exists. */
function parentIn(code: string, has: (c: string) => boolean): string | undefined {
  const bare = code.replace('.', '');
  for (let len = bare.length - 1; len >= 3; len--) {
    // A placeholder header (H21.1X) is a parent when the order file lists it; else skip the X.
    for (const p of [normalizeCm(bare.slice(0, len)), normalizeCm(bare.slice(0, len).replace(/X+$/, ''))]) {
      if (p !== code && has(p)) return p;
    }
  }
  return undefined;
}

function sectionFor(category: string, sections: CmSection[]): string | undefined {
  return sections.find((s) => s.first <= category && category <= s.last)?.id;
}

/**
 * Apply an order file: it decides which codes are billable and gives the
 * official long and short titles. With a tabular, rows confirm or extend its
 * nodes; without one, the rows make the nodes and the hierarchy.
 */
function applyOrder(base: CmCompiled | undefined, rows: OrderRow[], notes: string[]): CmCompiled {
  const nodes = new Map<string, CmNode>((base?.nodes ?? []).map((n) => [n.c, { ...n }]));
  const fromTabular = new Set(nodes.keys());
  const derivedBillable = new Set((base?.nodes ?? []).filter((n) => n.b).map((n) => n.c));
  const seen = new Set<string>();
  for (const r of rows) {
    const code = normalizeCm(r.code);
    seen.add(code);
    const existing = nodes.get(code);
    const node: CmNode = existing ?? { c: code, t: r.long, k: 'code', b: r.billable ? 1 : 0 };
    node.t = r.long;
    if (r.short && r.short !== r.long) node.s = r.short;
    else delete node.s;
    node.b = r.billable ? 1 : 0;
    nodes.set(code, node);
  }
  if (base) {
    // Tabular-derived full codes the order file does not list are not codes of this release.
    let dropped = 0;
    for (const n of [...nodes.values()]) {
      if (!seen.has(n.c) && n.k === 'extension') {
        nodes.delete(n.c);
        dropped++;
      } else if (!seen.has(n.c) && n.b) {
        n.b = 0;
        notes.push(`${n.c} is a leaf of the tabular but not billable in the order file`);
      }
    }
    const orderBillable = rows.filter((r) => r.billable).map((r) => normalizeCm(r.code));
    const notDerived = orderBillable.filter((c) => !derivedBillable.has(c));
    if (dropped) notes.push(`${dropped} full codes implied by the tabular's 7th characters are not in the order file and were dropped`);
    if (notDerived.length) notes.push(`${notDerived.length} billable codes of the order file are not derivable from the tabular: ${notDerived.slice(0, 20).join(', ')}`);
  }
  // Hierarchy for rows the tabular did not have.
  const has = (c: string) => nodes.has(c);
  for (const n of nodes.values()) {
    if (fromTabular.has(n.c)) continue;
    const bare = n.c.replace('.', '');
    if (bare.length === 3) {
      n.k = 'category';
      continue;
    }
    const p = parentIn(n.c, has);
    if (p) n.p = p;
  }
  for (const n of nodes.values()) {
    if (!fromTabular.has(n.c) && n.k !== 'category') n.k = 'code';
  }
  return {
    chapters: base?.chapters ?? [],
    sections: base?.sections ?? [],
    nodes: [...nodes.values()].sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0)),
    seventhRules: base?.seventhRules ?? [],
  };
}

function parentHasSeventh(n: CmNode, nodes: Map<string, CmNode>): boolean {
  for (let cur: CmNode | undefined = n; cur; cur = cur.p ? nodes.get(cur.p) : undefined) if (cur.x) return true;
  return false;
}

/**
 * Name the kind of each node an order file added: subcategory when it has
 * children, extension when it is a stem plus a 7th character under
 * 7th-character definitions, code otherwise. Runs after notes and 7th
 * characters were lent by an older tabular.
 */
function classifyOrderNodes(c: CmCompiled, tabularCodes: Set<string>): void {
  const nodes = new Map(c.nodes.map((n) => [n.c, n]));
  const hasChildren = new Set<string>();
  for (const n of c.nodes) if (n.p) hasChildren.add(n.p);
  for (const n of c.nodes) {
    if (tabularCodes.has(n.c) || n.k === 'category') continue;
    const parent = n.p ? nodes.get(n.p) : undefined;
    const stemLike = n.c.replace('.', '').length === 7 && parent !== undefined && stemOf(n.c) === parent.c && !hasChildren.has(n.c);
    n.k = hasChildren.has(n.c) ? 'subcategory' : stemLike && parentHasSeventh(parent, nodes) ? 'extension' : 'code';
  }
}

/**
 * Fill what an order-file-only release lacks from the nearest older release
 * with a tabular: chapters, sections, instructional notes and 7th-character
 * definitions, each marked with the release it came from.
 */
function lendFromTabular(target: CmCompiled, donor: CmCompiled, donorId: string): void {
  const mark = <T extends CmChapter>(x: T): T => (x.n && !x.nf ? { ...x, nf: donorId } : { ...x });
  target.chapters = donor.chapters.map(mark);
  target.sections = donor.sections.map((s) => mark(s));
  target.seventhRules = donor.seventhRules;
  const donorNodes = new Map(donor.nodes.map((n) => [n.c, n]));
  for (const n of target.nodes) {
    const d = donorNodes.get(n.c);
    if (d?.n) {
      n.n = d.n;
      n.nf = d.nf ?? donorId;
    }
    if (d?.x) {
      n.x = d.x;
      n.xf = d.xf ?? donorId;
    }
    if (n.k === 'category') n.sec = d?.sec ?? sectionFor(n.c, target.sections);
  }
}

async function findDonor(group: ReleaseGroup, ctx: CompileContext): Promise<{ id: string; data: CmCompiled } | undefined> {
  const from = releaseSpan(group.key).from;
  let best: { id: string; from: string; data?: CmCompiled } | undefined;
  for (const [key, value] of ctx.shared) {
    if (!key.startsWith('icd10cm:')) continue;
    const v = value as { from: string; hasTabular: boolean; data?: CmCompiled };
    if (v.hasTabular && v.from < from && (!best || v.from > best.from)) best = { id: key.slice(8), from: v.from, data: v.data };
  }
  for (const m of ctx.existing) {
    if (m.system !== 'icd10cm' || !m.counts.tabularNodes || m.effectiveFrom >= from) continue;
    if (!best || m.effectiveFrom > best.from) best = { id: m.id, from: m.effectiveFrom };
  }
  if (!best) return undefined;
  const data = best.data ?? fromFile(await ctx.readCompiled(best.id, CM_CODES_FILE));
  return { id: best.id, data };
}

export const icd10cmCompiler: SystemCompiler = {
  system: 'icd10cm',
  arrange(groups) {
    // A group with only index files (e.g. the April drug/neoplasm/external-cause
    // tables) completes the base release of its fiscal year.
    const out: ReleaseGroup[] = [];
    const onlyIndex = (g: ReleaseGroup) => g.sources.every((s) => INDEX_KINDS.has(s.detection.kind));
    for (const g of groups) if (!onlyIndex(g)) out.push(g);
    for (const g of groups) {
      if (!onlyIndex(g)) continue;
      const base = out.find((b) => b.key.year === g.key.year && !b.key.period) ?? out.find((b) => b.key.year === g.key.year);
      if (base) base.sources.push(...g.sources);
      else out.push(g);
    }
    return out;
  },
  async compile(group, ctx) {
    const notes: string[] = [];
    const provenance: Record<string, string> = {};
    const tabulars = group.sources.filter((s) => s.detection.kind === 'icd10cm.tabular');
    const orders = group.sources.filter((s) => s.detection.kind === 'icd10cm.order');
    if (tabulars.length > 1 || orders.length > 1) {
      throw new MedcoderError('IMPORT_FAILED', `${group.id}: more than one ${tabulars.length > 1 ? 'tabular' : 'order file'} for one release: ${[...tabulars, ...orders].map((s) => s.entry.path).join(', ')}`);
    }
    let compiled: CmCompiled | undefined;
    let tabularNodes = 0;
    let tabularDerivedBillable = 0;
    if (tabulars[0]) {
      const step = ctx.progress.step(`reading ${tabulars[0].entry.path}`, tabulars[0].entry.size);
      const tab = await parseTabular(tabulars[0].entry, step);
      step.done(`${tab.nodes.length} codes`);
      tabularNodes = tab.nodes.length;
      const rules = seventhRulesFrom(tab);
      for (const r of rules) notes.push(`7th-character rule of the tabular at ${r.category}: ${r.exclude.join(', ')} excluded for stems matching ${r.stem}`);
      compiled = compileTabular(tab, rules);
      tabularDerivedBillable = compiled.nodes.filter((n) => n.b).length;
    }
    let orderBillable = 0;
    if (orders[0]) {
      const rows = await readOrderFile(orders[0].entry);
      orderBillable = rows.filter((r) => r.billable).length;
      const tabularCodes = new Set((compiled?.nodes ?? []).map((n) => n.c));
      compiled = applyOrder(compiled, rows, notes);
      // Without a tabular the kinds are named once, after an older tabular lent its 7th characters (below).
      if (tabulars[0]) classifyOrderNodes(compiled, tabularCodes);
    }
    if (!compiled) throw new MedcoderError('IMPORT_FAILED', `${group.id}: no tabular or order file; index files alone do not make a release`);
    if (!tabulars[0]) {
      const donor = await findDonor(group, ctx);
      if (donor) {
        lendFromTabular(compiled, donor.data, donor.id);
        provenance.notes = `instructional notes, 7th characters, chapters and sections from ${donor.id} (no tabular in this release)`;
      } else {
        notes.push('no tabular in this or an older release: no instructional notes, chapters or sections');
      }
      classifyOrderNodes(compiled, new Set());
    }
    // Only a release with a tabular lends its data (see findDonor); the others are not kept for the rest of the run.
    ctx.shared.set(sharedKey(group.id), { from: releaseSpan(group.key).from, hasTabular: Boolean(tabulars[0]), ...(tabulars[0] ? { data: compiled } : {}) });
    const billable = compiled.nodes.filter((n) => n.b).map((n) => n.c);
    const files: Record<string, unknown> = { [CM_CODES_FILE]: packCm(compiled), [VALID_CODES_FILE]: billable };
    const out: CompiledOutput = {
      files,
      counts: {
        billable: billable.length,
        codes: compiled.nodes.length,
        ...(tabularNodes ? { tabularNodes, tabularDerivedBillable } : {}),
        ...(orders[0] ? { orderBillable } : {}),
      },
      notes,
      ...(Object.keys(provenance).length ? { provenance } : {}),
    };
    // ---- begin: Alphabetic Index, neoplasm and drug tables, External Cause Index (icd10cm/index-files.ts) ----
    // Each index file of the group becomes its own data file; for an index the
    // release lacks, provenance names the older release whose file it uses
    // (e.g. provenance.index = 'icd10cm-2017'); nothing is copied.
    {
      const codes = new Set(compiled.nodes.map((n) => n.c));
      const indexes = await compileIndexFiles(group, ctx, (c) => codes.has(c));
      Object.assign(out.files, indexes.files);
      Object.assign(out.counts, indexes.counts);
      out.notes = [...(out.notes ?? []), ...indexes.notes];
      if (Object.keys(indexes.provenance).length) out.provenance = { ...out.provenance, ...indexes.provenance };
    }
    // ---- end: Alphabetic Index and tables ----
    return out;
  },
};
