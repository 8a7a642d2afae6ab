import { readFileSync } from 'node:fs';
import { anyOf } from '../em/rules.js';
import { MedcoderError } from '../errors.js';

/**
 * Modifiers and the reasons they apply. Every modifier medcoder appends comes
 * with a sentence a coder can check against the note.
 */

export interface ModifierSuggestion {
  code: string;
  reason: string;
  /** The words of the note that support it, when there are some. */
  evidence?: { start: number; end: number; text: string };
}

export interface ModifierRules {
  meanings: Record<string, string>;
  pairs: Array<{ first: string; second: string; why: string }>;
  separateSite: RegExp;
  separateEncounter: RegExp;
  anotherPhysician: RegExp;
  repeat: RegExp;
}

let cached: ModifierRules | undefined;

export function modifierRules(): ModifierRules {
  if (cached) return cached;
  let f: { modifiers: Record<string, string>; pairs: ModifierRules['pairs']; separateSite: string[]; separateEncounter: string[]; anotherPhysician: string[]; repeat: string[] };
  try {
    f = JSON.parse(readFileSync(new URL('../../data/modifiers/modifiers.json', import.meta.url), 'utf8')) as typeof f;
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `cannot read modifier rules: ${(e as Error).message}`, { file: 'modifiers.json' }, { cause: e });
  }
  cached = {
    meanings: f.modifiers,
    pairs: f.pairs,
    separateSite: anyOf(f.separateSite, 'modifiers.json', 'separateSite'),
    separateEncounter: anyOf(f.separateEncounter, 'modifiers.json', 'separateEncounter'),
    anotherPhysician: anyOf(f.anotherPhysician, 'modifiers.json', 'anotherPhysician'),
    repeat: anyOf(f.repeat, 'modifiers.json', 'repeat'),
  };
  return cached;
}

/** What a modifier tells the payer. */
export function modifierMeaning(code: string): string | undefined {
  return modifierRules().meanings[code];
}

export type Side = 'right' | 'left' | 'bilateral';

/** The side a stretch of text names, if exactly one kind is named. */
export function sideOf(lower: string): Side | undefined {
  if (/\b(?:bilateral(?:ly)?|both)\b/.test(lower)) return 'bilateral';
  const r = /\bright\b/.test(lower);
  const l = /\bleft\b/.test(lower);
  if (r && l) return 'bilateral';
  if (r) return 'right';
  if (l) return 'left';
  return undefined;
}

/** RT, LT or 50 for a service on a paired body part. */
export function sideModifiers(side: Side | undefined, what: string): ModifierSuggestion[] {
  if (side === 'bilateral') return [{ code: '50', reason: `${what} was done on both sides at the same session: one line with modifier 50 and one unit` }];
  if (side === 'right') return [{ code: 'RT', reason: `${what} was done on the right side` }];
  if (side === 'left') return [{ code: 'LT', reason: `${what} was done on the left side` }];
  return [];
}

/**
 * The distinct-service modifier for the second code of a bundled pair: an X
 * modifier for payers that accept them (Medicare), 59 otherwise; undefined
 * when the note does not show the services were distinct.
 */
export function distinctModifier(payer: 'medicare' | 'commercial', lower: string, why: string): ModifierSuggestion | undefined {
  const r = modifierRules();
  r.separateEncounter.lastIndex = 0;
  if (r.separateEncounter.test(lower)) return { code: payer === 'medicare' ? 'XE' : '59', reason: `${why} are normally bundled; the note shows a separate encounter the same day` };
  r.separateSite.lastIndex = 0;
  const sites = new Set<string>();
  for (const m of lower.matchAll(r.separateSite)) sites.add(m[0]);
  if (sites.size >= 2 || [...sites].some((s) => /separate|different|opposite/.test(s))) {
    return { code: payer === 'medicare' ? 'XS' : '59', reason: `${why} are normally bundled; they were given at separate sites (${[...sites].join(', ')})` };
  }
  return undefined;
}
