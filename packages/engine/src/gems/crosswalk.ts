import { parseIsoDate } from '../dates.js';
import { MedcoderError } from '../errors.js';
import type { CrosswalkTarget, ReleaseRef } from '../lookup.js';
import type { CodeSets } from '../releases/registry.js';
import type { CodeSetRelease } from '../releases/release.js';
import { isCodeSystem, SYSTEM_LABELS, type CodeSystem } from '../systems.js';
import { normalizeCm, shapeProblems } from '../icd10cm/code.js';
import { bareIcd9, formatIcd9, icd9ShapeProblems } from '../icd9cm/code.js';
import { GEM_DIRECTIONS, isGemDirection, type GemDirection, type GemRow } from './gem-file.js';
import { gemStore } from './store.js';

export interface CrosswalkOptions {
  from: CodeSystem;
  to: CodeSystem;
  /** Date whose release gives the titles (YYYY-MM-DD); default today. GEM rows themselves are not date-bound. */
  date?: string;
}

/** Targets of one combination scenario, by choice list: report one code of each choice list. */
export interface CrosswalkScenario {
  scenario: number;
  choiceLists: Array<{ choiceList: number; targets: CrosswalkTarget[] }>;
}

export interface CrosswalkResult {
  source: { system: CodeSystem; code: string; title?: string };
  to: CodeSystem;
  /** Every GEM target in file order; no-map rows are not targets (see noMap). */
  targets: CrosswalkTarget[];
  /** The GEM says the source has no equivalent. */
  noMap: boolean;
  /** The source is listed in the GEM at all. */
  inGem: boolean;
  /** Combination entries grouped by scenario and choice list. */
  scenarios?: CrosswalkScenario[];
  /** What the flags mean for this source, in words. */
  notes: string[];
  /** The gems release the rows come from. */
  gems?: { id: string; label: string };
  /** The release of the target system the titles come from. */
  titlesFrom?: ReleaseRef;
  warnings: string[];
}

/** The other revision of each system that has GEMs. */
export const GEM_PARTNER: Partial<Record<CodeSystem, CodeSystem>> = {
  icd9cm: 'icd10cm',
  icd10cm: 'icd9cm',
  icd9pcs: 'icd10pcs',
  icd10pcs: 'icd9pcs',
};

/** Code without dot, upper case, as the GEMs write it. */
export function gemBare(system: CodeSystem, input: string): string {
  if (system === 'icd9cm' || system === 'icd9pcs') return bareIcd9(system, input);
  return String(input ?? '').normalize('NFKC').toUpperCase().replace(/[\s.]/g, '');
}

/** The written form of a GEM code in its system. */
export function gemDisplay(system: CodeSystem, bare: string): string {
  if (system === 'icd9cm' || system === 'icd9pcs') return formatIcd9(system, bare);
  if (system === 'icd10cm') return normalizeCm(bare);
  return bare;
}

function shapeMessage(system: CodeSystem, input: string, bare: string): string | undefined {
  if (system === 'icd9cm' || system === 'icd9pcs') return icd9ShapeProblems(system, bare)[0]?.message;
  if (system === 'icd10cm') return shapeProblems(input, normalizeCm(bare))[0]?.message;
  if (bare.length === 0) return 'no code given';
  if (!/^[0-9A-HJ-NP-Z]{7}$/.test(bare)) return 'an ICD-10-PCS code is seven letters or digits (no I or O)';
  return undefined;
}

/** The release of a system in force on a date, else the newest one; undefined when none is compiled. */
async function titleRelease(codeSets: CodeSets, system: CodeSystem, date: string | undefined, warnings: string[]): Promise<CodeSetRelease | undefined> {
  if (codeSets.releases(system).length === 0) return undefined;
  try {
    return await codeSets.load(codeSets.resolve(system, { ...(date ? { date } : {}), strict: true }).manifest.id);
  } catch {
    const newest = codeSets.releases(system).at(-1)!;
    try {
      const r = await codeSets.load(newest.id);
      if (date) warnings.push(`no ${SYSTEM_LABELS[system]} release is in force on ${date}; titles are from ${newest.label}`);
      return r;
    } catch {
      return undefined;
    }
  }
}

function target(system: CodeSystem, row: GemRow, release: CodeSetRelease | undefined): CrosswalkTarget {
  const code = gemDisplay(system, row.target);
  const f = row.flags;
  const title = release?.lookup(code)?.title;
  return {
    system,
    code,
    ...(title ? { title } : {}),
    flags: { approximate: f[0] === '1', noMap: f[1] === '1', combination: f[2] === '1', scenario: Number(f[3]), choiceList: Number(f[4]) },
  };
}

function groupScenarios(targets: CrosswalkTarget[]): CrosswalkScenario[] {
  const byScenario = new Map<number, Map<number, CrosswalkTarget[]>>();
  for (const t of targets) {
    if (!t.flags.combination) continue;
    const lists = byScenario.get(t.flags.scenario) ?? new Map<number, CrosswalkTarget[]>();
    lists.set(t.flags.choiceList, [...(lists.get(t.flags.choiceList) ?? []), t]);
    byScenario.set(t.flags.scenario, lists);
  }
  return [...byScenario]
    .sort(([a], [b]) => a - b)
    .map(([scenario, lists]) => ({
      scenario,
      choiceLists: [...lists].sort(([a], [b]) => a - b).map(([choiceList, ts]) => ({ choiceList, targets: ts })),
    }));
}

/**
 * Map a code to the other ICD revision through the CMS GEMs: ICD-9-CM ↔
 * ICD-10-CM, ICD-9-CM procedures ↔ ICD-10-PCS. Titles come from the target
 * system's release in force on the date (falling back to the newest); GEM
 * rows from the newest gems release holding the direction. A malformed or
 * unknown code gives an answer without targets and a note; only a missing
 * GEM release or an impossible pair of systems is an error.
 */
export async function crosswalk(codeSets: CodeSets, code: string, opts: CrosswalkOptions): Promise<CrosswalkResult> {
  return crosswalkWith(codeSets, code, opts, { sourceTitle: true });
}

export async function crosswalkWith(codeSets: CodeSets, code: string, opts: CrosswalkOptions, how: { sourceTitle: boolean }): Promise<CrosswalkResult> {
  const { from, to } = opts;
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (typeof value !== 'string' || !isCodeSystem(value)) {
      throw new MedcoderError('UNKNOWN_SYSTEM', `unknown code system "${String(value)}" for ${field} (GEMs map icd9cm ↔ icd10cm and icd9pcs ↔ icd10pcs)`, { field, value });
    }
  }
  const direction = `${from}-${to}`;
  if (!isGemDirection(direction)) {
    throw new MedcoderError('INVALID_ARGUMENT', `the GEMs do not map ${SYSTEM_LABELS[from]} to ${SYSTEM_LABELS[to]}; they map icd9cm ↔ icd10cm and icd9pcs ↔ icd10pcs`, { from, to });
  }
  const date = opts.date !== undefined ? parseIsoDate(opts.date) : undefined;
  const table = await gemStore(codeSets).require(direction as GemDirection);
  const input = typeof code === 'string' ? code : String(code);
  const bare = gemBare(from, input);
  const shown = gemDisplay(from, bare);
  const fromName = SYSTEM_LABELS[from];
  const toName = SYSTEM_LABELS[to];
  const result: CrosswalkResult = {
    source: { system: from, code: shown },
    to,
    targets: [],
    noMap: false,
    inGem: false,
    notes: [],
    gems: table.release,
    warnings: [],
  };
  const bad = shapeMessage(from, input, bare);
  if (bad) {
    result.source.code = input.trim();
    result.notes.push(`"${input.trim()}" is not a valid ${fromName} code: ${bad}`);
    return result;
  }
  if (how.sourceTitle) {
    const src = await titleRelease(codeSets, from, date, []);
    const title = src?.lookup(shown)?.title;
    if (title) result.source.title = title;
  }
  const rows = table.rows(bare);
  if (rows.length === 0) {
    result.notes.push(`${fromName} ${shown} is not in the ${direction} GEM of ${table.release.label} (the GEMs list reportable codes only)`);
    return result;
  }
  result.inGem = true;
  const mapped = rows.filter((r) => r.target);
  if (mapped.length < rows.length) {
    result.noMap = true;
    result.notes.push(`no map: the GEM gives ${fromName} ${shown} no ${toName} equivalent`);
  }
  if (mapped.length === 0) return result;
  const release = await titleRelease(codeSets, to, date, result.warnings);
  if (release) result.titlesFrom = release.ref;
  else result.notes.push(`no ${toName} release is compiled: targets are shown without titles`);
  result.targets = mapped.map((r) => target(to, r, release));
  const combination = result.targets.filter((t) => t.flags.combination);
  if (combination.length) {
    result.scenarios = groupScenarios(result.targets);
    const n = result.scenarios.length;
    result.notes.push(`combination: ${shown} maps to more than one ${toName} code together; report one code from each choice list of ${n === 1 ? 'the scenario' : 'one of the ' + n + ' scenarios'}`);
    for (const s of result.scenarios) {
      result.notes.push(`scenario ${s.scenario}: ${s.choiceLists.map((c) => `choice list ${c.choiceList}: ${c.targets.map((t) => t.code).join(' or ')}`).join('; ')}`);
    }
  } else if (result.targets.length > 1) {
    result.notes.push(`alternatives: any one of the ${result.targets.length} ${toName} codes may apply`);
  }
  if (result.targets.every((t) => t.flags.approximate)) result.notes.push('approximate: the target is not an exact equivalent');
  else if (result.targets.some((t) => t.flags.approximate)) result.notes.push('some targets are approximate equivalents');
  if (release) {
    const missing = result.targets.filter((t) => !t.title).map((t) => t.code);
    if (missing.length) result.notes.push(`not in ${release.ref.label}: ${missing.join(', ')}`);
  }
  return result;
}

export { GEM_DIRECTIONS };
