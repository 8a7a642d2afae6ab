import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CmNode } from '../icd10cm/compiled.js';
import { phraseTerms } from '../nlp/keys.js';
import { termOf } from '../nlp/normalize.js';
import { guidelineRules, type Side } from './rules.js';

/**
 * Specificity: from the code an index path or title leads to (often a
 * category or a code ending in "-") down to a billable code, choosing each
 * level by the words of the note: laterality, acuity, stage, type, trimester,
 * episode of care (7th character), site. Where the note says nothing, the
 * unspecified choice is taken.
 */

export interface SpecificityContext {
  /** Matching terms (see nlp/keys.ts) around the mention. */
  near: { has(term: string): boolean };
  /** Matching terms of the whole note. */
  doc: { has(term: string): boolean };
}

export interface Refinement {
  code: string;
  /** Human steps, e.g. "7th character A: initial encounter". */
  steps: string[];
}

/** Words of a title that tell siblings apart but that a note is not expected to repeat. */
let NEUTRAL: Set<string> | undefined;
let SIDE: Set<string> | undefined;
/** The dominance term each side term takes by default (guideline I.C.6.a). */
let DOMINANCE: Map<string, string> | undefined;
function sets(): { neutral: Set<string>; side: Set<string>; dominance: Map<string, string> } {
  NEUTRAL ??= new Set(['unspecified', 'other', 'specified'].map(termOf));
  SIDE ??= new Set(['right', 'left', 'bilateral'].map(termOf));
  DOMINANCE ??= new Map(Object.entries(guidelineRules().laterality.dominance).map(([side, d]) => [termOf(side), termOf(d)]));
  return { neutral: NEUTRAL, side: SIDE, dominance: DOMINANCE };
}

const titleTermsMemo = new Map<string, string[]>();
function titleTerms(title: string): string[] {
  let t = titleTermsMemo.get(title);
  if (!t) {
    t = phraseTerms(title.replace(/\bunspecified\b/gi, ' '));
    if (titleTermsMemo.size < 100_000) titleTermsMemo.set(title, t);
  }
  return t;
}

function isUnspecified(n: CmNode): boolean {
  return /\bunspecified\b|\bNOS\b/i.test(n.t);
}

function isOther(n: CmNode): boolean {
  return /^other\b|\bother specified\b|, other\b/i.test(n.t);
}

/** Score of a child against the note: its own distinguishing words found near the mention (or, less, in the note). */
function score(child: CmNode, parentTerms: ReadonlySet<string>, ctx: SpecificityContext): number {
  let s = 0;
  const { neutral, side, dominance } = sets();
  const own = titleTerms(child.t).filter((t) => !parentTerms.has(t) && !neutral.has(t));
  for (const t of own) {
    if (ctx.near.has(t)) s += 2;
    else if (ctx.doc.has(t) && !side.has(t)) s += 0.5;
    // "left nondominant side" where the note gives the side only: the side's default dominance costs nothing.
    else if (own.some((x) => dominance.get(x) === t && ctx.near.has(x))) continue;
    else s -= side.has(t) ? 1.5 : 0.6;
  }
  if (isUnspecified(child)) s += 0.4;
  if (isOther(child)) s -= 0.3;
  return s;
}

/** Which 7th character the note supports, by the meaning of each character. */
function seventhScore(meaning: string, ctx: SpecificityContext): number {
  const m = meaning.toLowerCase();
  const has = (w: string) => ctx.near.has(termOf(w)) || ctx.doc.has(termOf(w));
  let s = 0;
  if (/\bsequela/.test(m)) s += has('sequela') || has('late') ? 3 : -2;
  if (/\bsubsequent\b/.test(m)) s += has('subsequent') || has('follow') || has('heal') ? 2 : -2;
  if (/\binitial\b/.test(m)) s += 1;
  if (/\bopen fracture\b/.test(m)) s += has('open') || has('compound') ? 2 : -1;
  if (/\bclosed fracture\b/.test(m)) s += 0.5;
  if (/\bdelayed healing|nonunion|malunion/.test(m)) s -= 2;
  if (/not applicable or unspecified/.test(m)) s += 1;
  if (/^fetus \d/.test(m)) s -= 1;
  return s;
}

/** Down to a billable code; undefined when the release has no such code. */
export function refine(release: Icd10cmRelease, code: string, ctx: SpecificityContext): Refinement | undefined {
  let node = release.node(code);
  if (!node) return undefined;
  const steps: string[] = [];
  for (let depth = 0; depth < 6 && node && !node.b; depth++) {
    const kids = release.childrenOf(node.c).map((c) => release.node(c)!).filter(Boolean);
    if (kids.length === 0) return undefined;
    if (kids.every((k) => k.k === 'extension')) {
      const info = release.seventhFor(node);
      let best: CmNode | undefined;
      let bestScore = -Infinity;
      let meaning = '';
      for (const k of kids) {
        const ch = k.c.charAt(k.c.length - 1);
        const def = info?.definitions.find((d) => d.char === ch);
        const s = seventhScore(def?.meaning ?? '', ctx);
        if (s > bestScore) {
          bestScore = s;
          best = k;
          meaning = def?.meaning ?? '';
        }
      }
      if (!best) return undefined;
      steps.push(`7th character ${best.c.charAt(best.c.length - 1)}: ${meaning}`);
      node = best;
      break;
    }
    const parentTerms = new Set(titleTerms(node.t));
    let best: CmNode | undefined;
    let bestScore = -Infinity;
    for (const k of kids) {
      if (k.k === 'extension') continue;
      const s = score(k, parentTerms, ctx);
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    if (!best) return undefined;
    steps.push(`${best.c}: ${best.t}`);
    node = best;
  }
  return node?.b ? { code: node.c, steps } : undefined;
}

const SIDE_NOISE = new Set(['unspecified', 'in', 'of', 'the', 'and']);
const SIDES: readonly Side[] = ['right', 'left', 'bilateral'];

function sideWords(title: string): Set<string> {
  return new Set(title.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && !SIDE_NOISE.has(w)));
}

function sameWords(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const w of a) if (!b.has(w)) return false;
  return true;
}

/** A code's billable base (the code itself, or the parent of a 7th character code) and the 7th character suffix. */
function baseOf(release: Icd10cmRelease, code: string): { base: CmNode; suffix: string } | undefined {
  const node = release.node(code);
  if (!node?.b) return undefined;
  const base = node.k === 'extension' && node.p ? release.node(node.p) : node;
  if (!base?.p) return undefined;
  return { base, suffix: base === node ? '' : node.c.slice(base.c.length) };
}

/**
 * The code of the same family for one side: the sibling whose title names
 * the side and otherwise the same words as the code's title (its own side,
 * "unspecified" and the dominance words set aside). Where the family tells
 * the dominant from the nondominant side, the dominance the note gives
 * (`dominanceWord`, "dominant" or "nondominant") or else the side's default
 * dominance (rules.json "laterality") is chosen. The code itself when it already names
 * that side; undefined when the family has no code for it.
 */
export function sideCode(release: Icd10cmRelease, code: string, side: Side, dominanceWord?: string): string | undefined {
  const b = baseOf(release, code);
  if (!b) return undefined;
  const { base, suffix } = b;
  const own = sideWords(base.t);
  if (own.has(side)) return code;
  const dominance = guidelineRules().laterality.dominance;
  const aside = [...SIDES, ...Object.values(dominance)];
  for (const w of aside) own.delete(w);
  let best: string | undefined;
  let bestRank = -1;
  for (const c of release.childrenOf(base.p!)) {
    const s = release.node(c);
    if (!s || s.k === 'extension') continue;
    const w = sideWords(s.t);
    // "left eye, normal vision right eye" names both sides: not one side's code.
    if (!w.has(side) || SIDES.some((x) => x !== side && w.has(x))) continue;
    const rank = side !== 'bilateral' && w.has(dominanceWord ?? dominance[side]) ? 1 : 0;
    for (const x of aside) w.delete(x);
    if (!sameWords(w, own) || rank <= bestRank) continue;
    const full = `${s.c}${suffix}`;
    if (!release.node(full)?.b) continue;
    best = full;
    bestRank = rank;
  }
  return best;
}

/**
 * The right and left codes that together stand for a condition on both sides,
 * when `code` is the unspecified-side code of a family with right and left
 * codes and no bilateral one (guideline I.B.13: with no bilateral code, the
 * right and the left code are both assigned). An extension code (7th
 * character) keeps its 7th character. Undefined when the family has a
 * bilateral code or no right and left pair.
 */
export function bothSidesCodes(release: Icd10cmRelease, code: string): [string, string] | undefined {
  const b = baseOf(release, code);
  if (!b || !/\bunspecified\b/i.test(b.base.t)) return undefined;
  const siblings = release.childrenOf(b.base.p!).map((c) => release.node(c)!).filter(Boolean);
  const parent = release.node(b.base.p!);
  const around = parent?.p ? release.childrenOf(parent.p).map((c) => release.node(c)!).filter(Boolean) : [];
  if ([...siblings, ...around].some((s) => /\bbilateral\b/i.test(s.t))) return undefined;
  const right = sideCode(release, code, 'right');
  const left = sideCode(release, code, 'left');
  return right && left && right !== code && left !== code ? [right, left] : undefined;
}
