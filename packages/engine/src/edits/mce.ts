/**
 * Layer 3, the Medicare Code Editor for inpatient claims: diagnoses that are
 * not acceptable as principal diagnosis, manifestation and external cause
 * codes as principal, a principal that needs a secondary diagnosis beside it,
 * a secondary diagnosis that repeats the principal, and the age conflicts
 * (newborn, pediatric, maternity, adult) of every diagnosis.
 *
 * The lists come from a compiled `mce` release (the CMS "Definitions of
 * Medicare Code Edits" lists). The sex conflict edit is not applied: CMS
 * deactivated it for all ICD-10 codes on 2024-10-01.
 */
import { MedcoderError } from '../errors.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { listCodes, type ClaimContext } from './context.js';
import type { FindingSink } from './finding.js';

/** The MCE lists medcoder applies, keyed as in the compiled file. */
export const MCE_LISTS = ['manifestation', 'unacceptablePdx', 'pdxNeedsSecondary', 'newborn', 'pediatric', 'maternity', 'adult'] as const;
export type MceList = (typeof MCE_LISTS)[number];

export const MCE_AGE_LISTS = ['newborn', 'pediatric', 'maternity', 'adult'] as const;
export type MceAgeList = (typeof MCE_AGE_LISTS)[number];

/** The compiled file (mce.json). Codes are bare (no dot). */
export interface MceCompiled {
  lists: Record<MceList, string[]>;
  /** Allowed ages of each age list, inclusive. */
  ages: Record<MceAgeList, { min: number; max: number }>;
  /** Edits the source leaves out, with its reason. */
  notApplied: Record<string, string>;
  source: { description?: string; retrieved?: string; url?: string };
}

export const MCE_FILE = 'mce.json';

/** Keys of the derived JSON (CMS list names in snake case) → medcoder's list names. */
const JSON_LISTS: Record<string, MceList> = {
  manifestation_not_pdx: 'manifestation',
  unacceptable_pdx: 'unacceptablePdx',
  unacceptable_pdx_unless_secondary: 'pdxNeedsSecondary',
  age_newborn: 'newborn',
  age_pediatric: 'pediatric',
  age_maternity: 'maternity',
  age_adult: 'adult',
};

/** Compile the MCE list JSON (`{ codes: { manifestation_not_pdx: [{code, description}], … }, age_categories, excluded_edits }`). */
export function compileMceJson(text: string, path: string): { data: MceCompiled; counts: Record<string, number>; notes: string[] } {
  let raw: {
    codes?: Record<string, Array<{ code: string }>>;
    age_categories?: Record<string, { min_age: number; max_age: number }>;
    excluded_edits?: Record<string, string>;
    description?: string;
    retrieved?: string;
    source_url?: string;
  };
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `${path}: not JSON: ${(e as Error).message}`, { path });
  }
  if (!raw.codes || typeof raw.codes !== 'object') throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "codes" lists`, { path });
  const lists = Object.fromEntries(MCE_LISTS.map((l) => [l, [] as string[]])) as unknown as Record<MceList, string[]>;
  const notes: string[] = [];
  for (const [key, entries] of Object.entries(raw.codes)) {
    const list = JSON_LISTS[key];
    if (!list) {
      notes.push(`list "${key}" is not an edit medcoder applies; left out`);
      continue;
    }
    for (const e of entries) {
      const code = String(e.code ?? '').replace('.', '').trim().toUpperCase();
      if (!/^[A-Z](?:[0-9][0-9A-Z]|A[0-9])[0-9A-Z]{0,4}$/.test(code)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: "${e.code}" in ${key} is not an ICD-10-CM code`, { path });
      lists[list].push(code);
    }
  }
  for (const l of MCE_LISTS) lists[l] = [...new Set(lists[l])].sort();
  const ages = {} as MceCompiled['ages'];
  const defaults: MceCompiled['ages'] = { newborn: { min: 0, max: 0 }, pediatric: { min: 0, max: 17 }, maternity: { min: 9, max: 64 }, adult: { min: 15, max: 124 } };
  for (const a of MCE_AGE_LISTS) {
    const given = raw.age_categories?.[a];
    ages[a] = given ? { min: Number(given.min_age), max: Number(given.max_age) } : defaults[a];
    if (!given) notes.push(`no age range for ${a} in the file; CMS's ${defaults[a].min}-${defaults[a].max} is used`);
  }
  const data: MceCompiled = {
    lists,
    ages,
    notApplied: { sex_conflict: 'deactivated by CMS for all ICD-10 codes as of 10/01/2024', ...(raw.excluded_edits ?? {}) },
    source: { ...(raw.description ? { description: raw.description } : {}), ...(raw.retrieved ? { retrieved: raw.retrieved } : {}), ...(raw.source_url ? { url: raw.source_url } : {}) },
  };
  const counts = Object.fromEntries(MCE_LISTS.map((l) => [l, lists[l].length]));
  return { data, counts, notes };
}

/** A loaded MCE release. */
export class MceTable {
  private readonly sets: Record<MceList, ReadonlySet<string>>;
  readonly ages: MceCompiled['ages'];

  constructor(readonly data: MceCompiled, readonly label: string) {
    this.sets = Object.fromEntries(MCE_LISTS.map((l) => [l, new Set(data.lists[l])])) as unknown as Record<MceList, ReadonlySet<string>>;
    this.ages = data.ages;
  }

  static fromCompiled(data: unknown, manifest: ReleaseManifest): MceTable {
    return new MceTable(data as MceCompiled, manifest.label);
  }

  /** The bare codes of a list. */
  list(list: MceList): ReadonlySet<string> {
    return this.sets[list];
  }

  /** Is a bare code on a list? */
  has(list: MceList, bare: string): boolean {
    return this.sets[list].has(bare);
  }
}

const AGE_WORDS: Record<MceAgeList, string> = {
  newborn: 'a newborn diagnosis (age 0)',
  pediatric: 'a pediatric diagnosis',
  maternity: 'a maternity diagnosis',
  adult: 'an adult diagnosis',
};

export function checkMce(ctx: ClaimContext, sink: FindingSink, table: MceTable): void {
  if (ctx.setting !== 'inpatient') return;
  const source = table.label;
  const pdx = ctx.dx[0];
  if (pdx) {
    if (table.has('manifestation', pdx.bare)) {
      sink.emit('mce.manifestation-pdx', { codes: [pdx.code], diagnoses: [1], vars: { code: pdx.code }, source });
    } else if (table.has('unacceptablePdx', pdx.bare)) {
      sink.emit('mce.unacceptable-pdx', { codes: [pdx.code], diagnoses: [1], vars: { code: pdx.code }, source });
    }
    if (/^[V-Y]/.test(pdx.bare)) sink.emit('mce.external-cause-pdx', { codes: [pdx.code], diagnoses: [1], vars: { code: pdx.code }, source });
    if (table.has('pdxNeedsSecondary', pdx.bare) && ctx.dx.length < 2) {
      sink.emit('mce.pdx-needs-secondary', { codes: [pdx.code], diagnoses: [1], vars: { code: pdx.code }, source });
    }
    const dups = ctx.dx.filter((d) => d.pos > 1 && d.bare === pdx.bare);
    if (dups.length) {
      sink.emit('mce.duplicate-pdx', { codes: [pdx.code], diagnoses: [1, ...dups.map((d) => d.pos)], vars: { code: pdx.code, positions: listCodes(dups.map((d) => String(d.pos))) }, source });
    }
  }
  const age = ctx.age;
  for (const d of ctx.dx) {
    for (const list of MCE_AGE_LISTS) {
      if (!table.has(list, d.bare)) continue;
      const { min, max } = table.ages[list];
      if (age >= min && age <= max) continue;
      sink.emit(`mce.age-${list}`, {
        codes: [d.code],
        diagnoses: [d.pos],
        vars: { code: d.code, age, min, max, kind: AGE_WORDS[list] },
        source,
      });
    }
  }
}
