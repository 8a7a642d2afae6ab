import { loadIndexes } from '../icd10cm/alphabetic-index.js';
import { Icd10cmRelease } from '../icd10cm/release.js';
import { MedcoderError } from '../errors.js';
import type { ReleaseRef } from '../lookup.js';
import type { CodeSets, DateOptions } from '../releases/registry.js';
import { checkQuery, searchIndexOf } from './code-search.js';
import { drugPath, neoplasmPath, walkIndex, type IndexPath, type WalkContext } from './index-walk.js';
import type { DrugUse, NeoplasmBehavior } from './references.js';
import type { SearchIndex } from './search-index.js';
import { preparePhrase, type Phrase } from './walker.js';

/**
 * The encoder's index answers for a date of service: Alphabetic Index and
 * External Cause Index walks, Table of Neoplasms and Table of Drugs and
 * Chemicals rows, each checked against the ICD-10-CM release in force.
 */

export interface IndexAnswer {
  query: string;
  paths: IndexPath[];
  expansions: Phrase['expansions'];
  corrections: Phrase['corrections'];
  release: ReleaseRef;
  /** Which release each index was read from (FY2018-FY2026 use the FY2017 Alphabetic Index). */
  indexFrom: Partial<Record<'index' | 'eindex' | 'neoplasm' | 'drug', string>>;
  warnings: string[];
}

/** A walk context loaded for a date, for repeated synchronous walks (benchmarks, servers). */
export interface LoadedWalk {
  ctx: WalkContext;
  vocabulary: SearchIndex;
  release: ReleaseRef;
  indexFrom: IndexAnswer['indexFrom'];
  warnings: string[];
}

export async function loadWalk(cs: CodeSets, opts: DateOptions = {}): Promise<LoadedWalk> {
  const r = cs.resolve('icd10cm', opts);
  const [loaded, indexes, vocabulary] = await Promise.all([cs.load(r.manifest.id), loadIndexes(cs, r.manifest.id), searchIndexOf(cs, r.manifest.id)]);
  if (!(loaded instanceof Icd10cmRelease)) throw new MedcoderError('INVALID_ARGUMENT', `${r.manifest.id} is not an ICD-10-CM release`);
  const ctx: WalkContext = { release: loaded };
  if (indexes.index) ctx.index = indexes.index;
  if (indexes.eindex) ctx.eindex = indexes.eindex;
  if (indexes.neoplasm) ctx.neoplasm = indexes.neoplasm;
  if (indexes.drug) ctx.drug = indexes.drug;
  const warnings = [...r.warnings];
  if (indexes.from.index && indexes.from.index !== r.manifest.id) {
    warnings.push(`the Alphabetic Index is ${indexes.from.index}'s (${r.ref.label} has none of its own); codes are checked against ${r.ref.label}`);
  }
  return { ctx, vocabulary, release: r.ref, indexFrom: indexes.from, warnings };
}

function answer(w: LoadedWalk, query: string, p: Phrase, paths: IndexPath[]): IndexAnswer {
  return { query, paths, expansions: p.expansions, corrections: p.corrections, release: w.release, indexFrom: w.indexFrom, warnings: w.warnings };
}

function need<T>(value: T | undefined, what: string, w: LoadedWalk): T {
  if (value === undefined) throw new MedcoderError('RELEASE_NOT_FOUND', `${w.release.label} has no ${what}, and no older release lends one; import an ICD-10-CM release with index files`, { release: w.release.id });
  return value;
}

/** Walk the Alphabetic Index (or with `external`, the External Cause Index) for a phrase. */
export function walkLoaded(w: LoadedWalk, query: string, opts: { external?: boolean; limit?: number } = {}): IndexAnswer {
  checkQuery(query);
  need(opts.external ? w.ctx.eindex : w.ctx.index, opts.external ? 'External Cause Index' : 'Alphabetic Index', w);
  const p = preparePhrase(query, w.vocabulary);
  return answer(w, query, p, walkIndex(w.ctx, p, opts));
}

export async function lookupIndex(cs: CodeSets, query: string, opts: DateOptions & { external?: boolean; limit?: number } = {}): Promise<IndexAnswer> {
  checkQuery(query);
  return walkLoaded(await loadWalk(cs, opts), query, opts);
}

/** A site of the Table of Neoplasms, with the cell of a behaviour. */
export async function lookupNeoplasm(cs: CodeSets, site: string, opts: DateOptions & { behavior?: NeoplasmBehavior } = {}): Promise<IndexAnswer> {
  checkQuery(site);
  const w = await loadWalk(cs, opts);
  need(w.ctx.neoplasm, 'Table of Neoplasms', w);
  const p = preparePhrase(site, w.vocabulary);
  const path = p.words.length ? neoplasmPath(w.ctx, p, opts.behavior) : undefined;
  return answer(w, site, p, path ? [path] : []);
}

/** A substance of the Table of Drugs and Chemicals, with the cell of a use. */
export async function lookupDrug(cs: CodeSets, substance: string, opts: DateOptions & { use?: DrugUse } = {}): Promise<IndexAnswer> {
  checkQuery(substance);
  const w = await loadWalk(cs, opts);
  need(w.ctx.drug, 'Table of Drugs and Chemicals', w);
  const p = preparePhrase(substance, w.vocabulary);
  const path = p.words.length ? drugPath(w.ctx, p, opts.use) : undefined;
  return answer(w, substance, p, path ? [path] : []);
}
