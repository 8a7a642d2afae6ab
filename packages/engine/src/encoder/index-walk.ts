import type { AlphabeticIndex, DrugTable, IndexTerm, NeoplasmTable } from '../icd10cm/alphabetic-index.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import { behaviorOf, drugUseOf, resolveReference, type DrugUse, type NeoplasmBehavior, type Reference } from './references.js';
import { checkCode, type CodeCheck } from './verify.js';
import { candidateChildren, candidateMainTerms, matchTitle, titleWords, unusedWords, usedWords, type Phrase } from './walker.js';

/**
 * Walking the Alphabetic Index (and the External Cause Index) for a phrase:
 * main term, subterms level by level, references followed (see, see also,
 * see condition, the neoplasm and drug tables), ending at the code an entry
 * gives, which is then checked against the Tabular List of the release in
 * force.
 */

export interface WalkStep {
  /** The entry's title, and as printed with its nonessential modifiers. */
  title: string;
  printed: string;
  level: number;
  code?: string;
  manifestation?: string;
  /** How the walk reached this step when not by a subterm: a reference followed. */
  via?: 'see' | 'see also' | 'see condition' | 'table';
  /** The reference text followed. */
  reference?: string;
}

export interface TableUse {
  table: 'neoplasm' | 'drug';
  /** Row path in the table. */
  row: string[];
  column: string;
  cells: Record<string, string | null>;
}

export interface IndexPath {
  /** The publication walked. */
  source: 'index' | 'eindex' | 'neoplasm' | 'drug';
  /** The path as coders write it: "Diabetes, type 2, with, chronic kidney disease". */
  text: string;
  steps: WalkStep[];
  /** The code the path leads to, as the index writes it. */
  code?: string;
  manifestation?: string;
  table?: TableUse;
  /** A reference the walk could not take further (e.g. "see condition" with nothing left). */
  unresolved?: string;
  /** Where the path ends at an entry without a code: its subterms, to choose from. */
  subterms?: string[];
  score: number;
  matchedWords: string[];
  unmatchedWords: string[];
  checks: CodeCheck[];
}

/** Column of the Table of Neoplasms for a behaviour, found by heading words. */
export const NEOPLASM_COLUMNS: Record<NeoplasmBehavior, RegExp> = {
  malignant: /primary/i,
  secondary: /secondary/i,
  'in-situ': /situ/i,
  benign: /benign/i,
  uncertain: /uncertain/i,
  unspecified: /unspecified/i,
};

/** Column of the Table of Drugs and Chemicals for a use. */
export const DRUG_COLUMNS: Record<DrugUse, RegExp> = {
  accidental: /accidental/i,
  intentional: /intentional self/i,
  assault: /assault/i,
  undetermined: /undetermined/i,
  adverse: /adverse/i,
  underdosing: /underdosing/i,
};

export function columnFor(table: AlphabeticIndex, re: RegExp): string | undefined {
  return table.valueColumns.find((c) => re.test(c.name))?.name;
}

/** What a walk may use. */
export interface WalkContext {
  release: Icd10cmRelease;
  index?: AlphabeticIndex;
  eindex?: AlphabeticIndex;
  neoplasm?: NeoplasmTable;
  drug?: DrugTable;
}

interface Branch {
  score: number;
  used: number;
  steps: WalkStep[];
  end: IndexTerm;
  table?: TableUse;
  code?: string;
  manifestation?: string;
  unresolved?: string;
}

const STEP_COST = 0.02;
const END_WITH_CODE = 0.5;
const MAX_DEPTH = 12;

function stepOf(t: IndexTerm, via?: WalkStep['via'], reference?: string): WalkStep {
  return {
    title: t.title,
    printed: t.printedTitle,
    level: t.level,
    ...(t.code ? { code: t.code } : {}),
    ...(t.manif ? { manifestation: t.manif } : {}),
    ...(via ? { via } : {}),
    ...(reference ? { reference } : {}),
  };
}

class Walk {
  /** Guards "see condition" loops: main terms already tried in this walk. */
  private readonly restarted = new Set<IndexTerm>();

  constructor(readonly ctx: WalkContext, readonly p: Phrase) {}

  /** The best way down from a term (the term itself included as the end). */
  explore(term: IndexTerm, used: number, depth: number, index: AlphabeticIndex): Branch {
    let best: Branch = { score: term.code ? END_WITH_CODE : 0, used, steps: [], end: term };
    if (depth >= MAX_DEPTH) return best;
    for (const child of candidateChildren(term, this.p, used)) {
      const tw = titleWords(child);
      if (tw.without && !this.p.negated) continue;
      const m = matchTitle(tw, this.p, used);
      const implicit = tw.connectorOnly && !tw.without;
      if (m.gain <= 0 && !implicit) continue;
      const sub = this.explore(child, m.used, depth + 1, index);
      if (implicit && m.gain <= 0 && sub.steps.length === 0 && sub.used === m.used) continue;
      const score = m.gain + sub.score - STEP_COST;
      if (score > best.score) best = { ...sub, score, steps: [stepOf(child), ...sub.steps] };
    }
    // References: "see" replaces the entry; "see also" is another way to go on.
    if (term.see && !term.code) {
      const r = this.follow(term, term.see, 'see', used, depth, index);
      // A "see" entry has nothing of its own: the reference is the way on, even to an entry without a code.
      if (r && (r.score > best.score || best.steps.length === 0)) best = r;
      else if (!r && best.steps.length === 0) best = { ...best, unresolved: `see ${term.see}` };
    }
    if (term.seeAlso) {
      const r = this.follow(term, term.seeAlso, 'see also', used, depth, index);
      if (r && r.score > best.score + 0.05) best = r;
    }
    if (term.seeCat && !term.code && best.steps.length === 0) best = { ...best, code: `${term.seeCat.replace(/-$/, '')}-`, score: best.score + END_WITH_CODE };
    return best;
  }

  private follow(from: IndexTerm, text: string, via: 'see' | 'see also', used: number, depth: number, index: AlphabeticIndex): Branch | undefined {
    const ref: Reference = resolveReference(index, text);
    const step = (title: string): WalkStep => ({ title, printed: title, level: from.level + 1, via, reference: text });
    switch (ref.kind) {
      case 'term': {
        // The words of the entry referred to may be in the phrase too ("heart attack" and "myocardial infarction").
        let u = used;
        let gain = 0;
        for (let t: IndexTerm | undefined = ref.term; t; t = t.parent) {
          const m = matchTitle(titleWords(t), this.p, u);
          if (m.gain > 0) {
            gain += m.gain * 0.5;
            u = m.used;
          }
        }
        const sub = this.explore(ref.term, u, depth + 1, index);
        const shown = ref.term.path();
        shown[0] = shown[0]!.split(',')[0]!.trim();
        const target: WalkStep = { ...stepOf(ref.term, via, text), title: shown.join(', ') };
        return { ...sub, score: sub.score + gain - 0.1, steps: [target, ...sub.steps] };
      }
      case 'neoplasm': {
        const table = this.ctx.neoplasm;
        if (!table) return undefined;
        const behavior = ref.behavior ?? behaviorOf(unusedWords(this.p, used).join(' ')) ?? 'malignant';
        const r = this.neoplasmRow(table, used, ref.site, behavior);
        if (!r) return undefined;
        return { ...r, score: r.score + 0.3, steps: [step(`see ${text}`), ...r.steps] };
      }
      case 'drug': {
        const table = this.ctx.drug;
        if (!table) return undefined;
        const use = drugUseOf(unusedWords(this.p, used).join(' ')) ?? ref.column ?? 'accidental';
        const r = this.drugRow(table, used, use);
        if (!r) return undefined;
        return { ...r, score: r.score + 0.3, steps: [step(`see ${text}`), ...r.steps] };
      }
      case 'condition': {
        if (depth > 3) return undefined;
        const main = from.mainTerm();
        if (this.restarted.has(main)) return undefined;
        this.restarted.add(main);
        const found = this.top(index, used, depth + 1, main);
        if (!found) return undefined;
        // The words of the term that sent us here named no condition: they count for little.
        return { ...found, score: found.score - 0.8, steps: [{ ...step(`see ${text}`), via: 'see condition' }, ...found.steps] };
      }
      case 'category':
        return { score: END_WITH_CODE, used, steps: [step(`see ${text}`)], end: from, code: ref.code.endsWith('-') ? ref.code : `${ref.code}-` };
      default:
        return undefined;
    }
  }

  /** The best main term and walk below it for the unused words. */
  top(index: AlphabeticIndex, used: number, depth: number, exclude?: IndexTerm): Branch | undefined {
    let best: Branch | undefined;
    const mains = candidateMainTerms(index, this.p, used)
      .filter((t) => t !== exclude)
      .map((t) => ({ t, m: matchTitle(titleWords(t), this.p, used) }))
      .filter((x) => x.m.gain > 0)
      .sort((a, b) => b.m.gain - a.m.gain)
      .slice(0, 40);
    for (const { t, m } of mains) {
      const sub = this.explore(t, m.used, depth, index);
      const score = m.gain + sub.score;
      if (!best || score > best.score) best = { ...sub, score, steps: [stepOf(t), ...sub.steps] };
    }
    return best;
  }

  /** Every main term worth a path, best first. */
  tops(index: AlphabeticIndex): Branch[] {
    const out: Branch[] = [];
    const mains = candidateMainTerms(index, this.p, 0)
      .map((t) => ({ t, m: matchTitle(titleWords(t), this.p, 0) }))
      .filter((x) => x.m.gain > 0)
      .sort((a, b) => b.m.gain - a.m.gain)
      .slice(0, 40);
    for (const { t, m } of mains) {
      const sub = this.explore(t, m.used, 1, index);
      out.push({ ...sub, score: m.gain + sub.score, steps: [stepOf(t), ...sub.steps] });
    }
    return out.sort((a, b) => b.score - a.score);
  }

  /** A site row of the Table of Neoplasms and the cell of a behaviour. */
  neoplasmRow(table: NeoplasmTable, used: number, sitePath: readonly string[], behavior: NeoplasmBehavior): Branch | undefined {
    const main = table.mainTerms[0];
    if (!main) return undefined;
    let start = main;
    const steps: WalkStep[] = [];
    // A reference may name a site ("Neoplasm, skin, benign"): start from it.
    if (sitePath.length) {
      const at = main.find(sitePath) ?? main.children.find((c) => c.key.startsWith(sitePath[0]!.toLowerCase()));
      if (at) {
        start = at;
        for (const t of at.path().slice(1)) steps.push({ title: t, printed: t, level: 1, via: 'table' });
      }
    }
    const m = matchTitle(titleWords(main), this.p, used);
    const u = m.gain > 0 ? m.used : used;
    const sub = this.explore(start, u, 1, table);
    const row = sub.end.raw.v ? sub.end : start;
    const column = columnFor(table, NEOPLASM_COLUMNS[behavior]);
    if (!column) return undefined;
    const cells = table.rowOf(row).cells;
    const code = cells[column] ?? undefined;
    return {
      ...sub,
      score: sub.score + Math.max(0, m.gain),
      steps: [{ title: main.title, printed: main.printedTitle, level: 0, via: 'table' }, ...steps, ...sub.steps.map((s) => ({ ...s, via: s.via ?? ('table' as const) }))],
      table: { table: 'neoplasm', row: row.path(), column, cells },
      ...(code ? { code } : {}),
    };
  }

  /** A substance row of the Table of Drugs and Chemicals and the cell of a use. */
  drugRow(table: DrugTable, used: number, use: DrugUse): Branch | undefined {
    const found = this.top(table, used, 1);
    if (!found) return undefined;
    let row: IndexTerm | undefined = found.end;
    while (row && !row.raw.v) row = row.parent;
    if (!row) return undefined;
    const column = columnFor(table, DRUG_COLUMNS[use]);
    if (!column) return undefined;
    const cells = table.rowOf(row).cells;
    const code = cells[column] ?? undefined;
    return {
      ...found,
      steps: found.steps.map((s) => ({ ...s, via: s.via ?? ('table' as const) })),
      table: { table: 'drug', row: row.path(), column, cells },
      ...(code ? { code } : {}),
    };
  }
}

/** Coders write the main term by its first comma part. */
function pathText(steps: readonly WalkStep[]): string {
  return steps
    .map((s, i) => {
      if (s.via === 'see' || s.via === 'see also' || s.via === 'see condition') return s.title.startsWith('see ') ? `(${s.title})` : `(${s.via} ${s.title})`;
      return i === 0 || (s.level === 0 && s.via === 'table') ? s.title.split(',')[0]!.trim() : s.title;
    })
    .join(', ')
    .replace(/, \(/g, ' (');
}

function finish(ctx: WalkContext, p: Phrase, source: IndexPath['source'], r: Branch): IndexPath {
  const code = r.code ?? r.end.code ?? (r.table ? undefined : undefined);
  const manifestation = r.manifestation ?? (r.code ? undefined : r.end.manif);
  const unused = unusedWords(p, r.used);
  const rest = new Set(p.words.filter((_, i) => !(r.used & (1 << i))).flatMap((w) => [w.stem, w.word]));
  const checks: CodeCheck[] = [];
  // Codes below a header are ranked by every word of the phrase ("stage 3a" picks N18.31 under N18.3).
  const every = new Set(p.words.flatMap((w) => [w.stem, w.word]));
  if (code) checks.push(checkCode(ctx.release, code, r.table ? 'cell' : 'code', rest, every));
  if (manifestation) checks.push(checkCode(ctx.release, manifestation, 'manifestation', rest, every));
  return {
    source,
    text: pathText(r.steps),
    steps: r.steps,
    ...(code ? { code } : {}),
    ...(manifestation ? { manifestation } : {}),
    ...(r.table ? { table: r.table } : {}),
    ...(r.unresolved && !code ? { unresolved: r.unresolved } : {}),
    ...(!code && !r.table && r.end.children.length ? { subterms: r.end.children.slice(0, 20).map((c) => c.printedTitle) } : {}),
    score: Math.round(r.score * 100) / 100,
    matchedWords: usedWords(p, r.used),
    unmatchedWords: unused,
    checks,
  };
}

/** Paths through the Alphabetic Index (or the External Cause Index) for a phrase, best first, one per code. */
export function walkIndex(ctx: WalkContext, p: Phrase, opts: { external?: boolean; limit?: number } = {}): IndexPath[] {
  const index = opts.external ? ctx.eindex : ctx.index;
  if (!index || p.words.length === 0) return [];
  const w = new Walk(ctx, p);
  const out: IndexPath[] = [];
  const seen = new Set<string>();
  const all = w.tops(index);
  const top = all[0]?.score ?? 0;
  for (const r of all) {
    // Alternatives must be worth reading: close to the best, and leading somewhere.
    if (out.length && (r.score < top * 0.5 || (!r.code && !r.end.code && !r.table))) continue;
    const path = finish(ctx, p, opts.external ? 'eindex' : 'index', r);
    const key = path.code ?? path.text;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(path);
    if (out.length >= (opts.limit ?? 5)) break;
  }
  return out;
}

/** The Table of Neoplasms row for a site, with the cell of a behaviour (malignant primary unless the words say otherwise). */
export function neoplasmPath(ctx: WalkContext, p: Phrase, behavior?: NeoplasmBehavior): IndexPath | undefined {
  if (!ctx.neoplasm) return undefined;
  const w = new Walk(ctx, p);
  const r = w.neoplasmRow(ctx.neoplasm, 0, [], behavior ?? behaviorOf(p.words.map((x) => x.word).join(' ')) ?? 'malignant');
  return r ? finish(ctx, p, 'neoplasm', r) : undefined;
}

/** The Table of Drugs and Chemicals row for a substance, with the cell of a use (accidental poisoning unless the words say otherwise). */
export function drugPath(ctx: WalkContext, p: Phrase, use?: DrugUse): IndexPath | undefined {
  if (!ctx.drug) return undefined;
  const w = new Walk(ctx, p);
  const r = w.drugRow(ctx.drug, 0, use ?? drugUseOf(p.words.map((x) => x.word).join(' ')) ?? 'accidental');
  return r ? finish(ctx, p, 'drug', r) : undefined;
}
