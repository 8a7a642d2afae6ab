import { readFileSync } from 'node:fs';

/**
 * The guideline rules of data/coding/rules.json, loaded and checked, plus the
 * reading of code references in tabular notes ("(N18.1-N18.6)", "E10.-").
 */

export interface CombinationRule {
  id: string;
  base: string[];
  with: string[][];
  result: string;
  keepWith: boolean;
  /** Any code under a base prefix is replaced (hypertensive heart or kidney disease already coded), not only the unspecified one. */
  anyBase?: boolean;
  text: string;
}

export interface IntegralRule {
  id: string;
  symptoms: string[];
  with: string[];
}

export interface PregnancyRule {
  prefix: string;
  code: string;
  keep: boolean;
}

export interface RedundantRule {
  id: string;
  drop: string[];
  when: string[];
}

export interface GuidelineRules {
  chronic: string[];
  historyCodes: string[];
  personalHistory: Array<[string, string]>;
  familyHistory: Array<[string, string]>;
  combinations: CombinationRule[];
  integral: IntegralRule[];
  redundant: RedundantRule[];
  /** Title words of a code that leaves its category unspecified (dropped beside a sibling that states it). */
  unspecifiedTitle: RegExp;
  pregnancy: { markers: string[]; map: PregnancyRule[]; ages: { min: number; max: number; codes: string[] } };
  externalCause: { injuryPrefixes: string[]; externalPrefixes: string[] };
  laterality: LateralityRules;
  /** Codes never sequenced principal or first-listed. */
  notPrincipal: string[];
  /** Codes sequenced principal or first-listed only when no other code is fit to be. */
  lastResort: string[];
}

export type Side = 'right' | 'left' | 'bilateral';

/** How the words beside a mention give its side (rules.json "laterality"). */
export interface LateralityRules {
  /** Normalised words naming each side. */
  words: Record<Side, string[]>;
  /** How many tokens before and after a mention are read for a side word. */
  window: { before: number; after: number };
  /** Words that end the reading: what follows them belongs to another item. */
  stops: string[];
  /** The dominance a side takes when the note gives the side only. */
  dominance: Record<'right' | 'left', string>;
}

const RULES_URL = new URL('../../data/coding/rules.json', import.meta.url);

let loaded: GuidelineRules | undefined;

export function guidelineRules(): GuidelineRules {
  if (!loaded) {
    const d = JSON.parse(readFileSync(RULES_URL, 'utf8')) as {
      chronic: { prefixes: string[] };
      historyCodes: { prefixes: string[] };
      personalHistory: { map: Array<[string, string]> };
      familyHistory: { map: Array<[string, string]> };
      combinations: { rules: CombinationRule[] };
      integralSymptoms: { rules: IntegralRule[] };
      redundantUnspecified: { rules: RedundantRule[]; siblingTitles: { words: string[] } };
      pregnancy: { markers: string[]; map: PregnancyRule[]; ages: { min: number; max: number; codes: string[] } };
      externalCause: { injuryPrefixes: string[]; externalPrefixes: string[] };
      laterality: LateralityRules;
      sequencing: { notPrincipal: string[]; lastResort: string[] };
    };
    const ids = new Set<string>();
    for (const r of [...d.combinations.rules, ...d.integralSymptoms.rules, ...d.redundantUnspecified.rules]) {
      if (ids.has(r.id)) throw new Error(`rules.json: rule id ${r.id} is used twice`);
      ids.add(r.id);
    }
    loaded = {
      chronic: d.chronic.prefixes,
      historyCodes: d.historyCodes.prefixes,
      personalHistory: d.personalHistory.map,
      familyHistory: d.familyHistory.map,
      combinations: d.combinations.rules,
      integral: d.integralSymptoms.rules,
      redundant: d.redundantUnspecified.rules,
      unspecifiedTitle: new RegExp(`\\b(?:${d.redundantUnspecified.siblingTitles.words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i'),
      pregnancy: d.pregnancy,
      externalCause: d.externalCause,
      laterality: { words: d.laterality.words, window: d.laterality.window, stops: d.laterality.stops, dominance: d.laterality.dominance },
      notPrincipal: d.sequencing.notPrincipal,
      lastResort: d.sequencing.lastResort,
    };
  }
  return loaded;
}

/** Does a code start with any of the prefixes? */
export function hasPrefix(code: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (code.startsWith(p)) return true;
  return false;
}

/** The value of the first [prefix, value] pair whose prefix the code starts with. */
export function firstMatch(code: string, map: ReadonlyArray<[string, string]>): string | undefined {
  for (const [p, v] of map) if (code.startsWith(p)) return v;
  return undefined;
}

/** A code reference of a note: a code or category (all codes below it), or a range. */
export interface CodeRange {
  from: string;
  to: string;
}

const REF = /\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?)(?:\s*[-–]\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?))?-?/g;

const refMemo = new Map<string, CodeRange[]>();

/** "E08-E13 with .39": the subcode .39 of each category of the range. */
const WITH_SUBCODE = /^\s*([A-Z])(\d\d)\s*[-–]\s*\1(\d\d)\s+with\s+(\.[0-9A-Z]{1,4})\s*$/;

/**
 * Code ranges named in a note's text. The Tabular List writes its references
 * in parentheses ("gangrene in diabetes mellitus (E08-E13 with .52)"), so a
 * code in the words around them ("any type in A15") is not one; a note with
 * no parentheses is read whole. "X-Y with .NN" stands for the .NN subcode of
 * each category from X to Y; a group qualified in other words ("with fourth
 * character 2") is left out rather than read as the whole range.
 */
export function codeRefs(text: string): CodeRange[] {
  let out = refMemo.get(text);
  if (out) return out;
  out = [];
  const groups = text.includes('(') ? [...text.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]!) : [text];
  for (const group of groups) {
    const w = WITH_SUBCODE.exec(group);
    if (w) {
      for (let n = Number(w[2]); n <= Number(w[3]); n++) {
        const code = `${w[1]}${String(n).padStart(2, '0')}${w[4]}`;
        out.push({ from: code, to: code });
      }
      continue;
    }
    if (/\bwith\b/i.test(group)) continue;
    for (const m of group.matchAll(REF)) {
      const a = m[1]!.replace(/\.$/, '');
      const b = (m[2] ?? m[1]!).replace(/\.$/, '');
      out.push({ from: a, to: b });
    }
  }
  if (refMemo.size < 50_000) refMemo.set(text, out);
  return out;
}

/** Is a code inside a range? Both ends are inclusive, and an end covers every code below it. */
export function inRange(code: string, r: CodeRange): boolean {
  if (code.startsWith(r.from) || code.startsWith(r.to)) return true;
  return code > r.from && code < r.to;
}
