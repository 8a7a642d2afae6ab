import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';
import { compilePatterns, registerKeys } from '../nlp/keyed-patterns.js';

/**
 * The E/M rules as data (data/em/levels.json and data/em/mdm.json): the MDM
 * table, the code of each level per category with its time threshold, and
 * the words that show each element of decision making.
 */

export type EmCategory = 'office-new' | 'office-established' | 'emergency' | 'hospital-initial' | 'hospital-subsequent' | 'hospital-discharge';
export const EM_CATEGORIES: readonly EmCategory[] = ['office-new', 'office-established', 'emergency', 'hospital-initial', 'hospital-subsequent', 'hospital-discharge'];

export interface EmLevelCode {
  code: string;
  /** MDM level required (0 = none required, 1 straightforward … 4 high). */
  mdm?: number;
  /** Minimum total minutes on the date of the encounter. */
  time?: number;
  /** Maximum minutes (discharge day management of 30 minutes or less). */
  maxTime?: number;
}

export interface EmCategoryRules {
  label: string;
  codes: EmLevelCode[];
  mdmOnly?: boolean;
  timeOnly?: boolean;
  prolonged?: { code: string; medicare: string; after: number; medicareAfter: number; per: number };
}

export interface MdmLevelRow {
  level: number;
  name: string;
  problems: string;
  data: string;
  risk: string;
}

export interface KindRule {
  id: string;
  level: number;
  label: string;
  pattern: RegExp;
  chronic?: boolean;
}

export interface EmRules {
  mdmLevels: MdmLevelRow[];
  categories: Record<EmCategory, EmCategoryRules>;
  problemKinds: KindRule[];
  chronic: RegExp;
  notProblems: RegExp;
  tests: RegExp;
  ordered: RegExp;
  reviewed: RegExp;
  externalNotes: RegExp;
  historian: RegExp;
  interpretation: RegExp;
  discussion: RegExp;
  risk: KindRule[];
  time: RegExp[];
  /** What every time pattern holds (a number of minutes): without it no time pattern can match. */
  timeMinutes: RegExp;
  timeExclude: RegExp;
  nurseVisit: RegExp;
}

const DATA = new URL('../../data/em/', import.meta.url);

function read<T>(name: string): T {
  try {
    return JSON.parse(readFileSync(new URL(name, DATA), 'utf8')) as T;
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `cannot read E/M rules ${name}: ${(e as Error).message}`, { file: name }, { cause: e });
  }
}

/** One expression from a list of patterns of a rules file, each held to word boundaries (first listed wins at a place). */
export function anyOf(patterns: readonly string[], file: string, entry: string): RegExp {
  return compilePatterns(patterns, { file, entry });
}

interface LevelsFile {
  mdmLevels: MdmLevelRow[];
  categories: Record<EmCategory, EmCategoryRules>;
}
interface MdmFile {
  problems: { kinds: Array<{ id: string; level: number; label: string; patterns: string[]; chronic?: boolean }>; chronicConditions: string[]; notProblems: string[] };
  data: { tests: string[]; ordered: string[]; reviewed: string[]; externalNotes: string[]; historian: string[]; interpretation: string[]; discussion: string[] };
  risk: Array<{ id: string; level: number; label: string; patterns: string[] }>;
  time: { patterns: string[]; exclude: string[]; minutes: string };
  nurseVisit: string[];
}

let cached: EmRules | undefined;

export function emRules(): EmRules {
  if (cached) return cached;
  const levels = read<LevelsFile>('levels.json');
  const mdm = read<MdmFile>('mdm.json');
  const kind = (k: { id: string; level: number; label: string; patterns: string[]; chronic?: boolean }): KindRule => ({
    id: k.id,
    level: k.level,
    label: k.label,
    pattern: anyOf(k.patterns, 'mdm.json', k.id),
    ...(k.chronic ? { chronic: true } : {}),
  });
  cached = {
    mdmLevels: levels.mdmLevels,
    categories: levels.categories,
    problemKinds: mdm.problems.kinds.map(kind),
    chronic: anyOf(mdm.problems.chronicConditions, 'mdm.json', 'problems.chronicConditions'),
    notProblems: anyOf(mdm.problems.notProblems, 'mdm.json', 'problems.notProblems'),
    tests: anyOf(mdm.data.tests, 'mdm.json', 'data.tests'),
    ordered: anyOf(mdm.data.ordered, 'mdm.json', 'data.ordered'),
    reviewed: anyOf(mdm.data.reviewed, 'mdm.json', 'data.reviewed'),
    externalNotes: anyOf(mdm.data.externalNotes, 'mdm.json', 'data.externalNotes'),
    historian: anyOf(mdm.data.historian, 'mdm.json', 'data.historian'),
    interpretation: anyOf(mdm.data.interpretation, 'mdm.json', 'data.interpretation'),
    discussion: anyOf(mdm.data.discussion, 'mdm.json', 'data.discussion'),
    risk: mdm.risk.map(kind),
    time: mdm.time.patterns.map((p) => registerKeys(new RegExp(p, 'g'))),
    timeMinutes: new RegExp(mdm.time.minutes),
    timeExclude: anyOf(mdm.time.exclude, 'mdm.json', 'time.exclude'),
    nurseVisit: anyOf(mdm.nurseVisit, 'mdm.json', 'nurseVisit'),
  };
  return cached;
}
