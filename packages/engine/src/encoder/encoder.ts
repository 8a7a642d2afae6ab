import { INDEX_FILES, INDEX_FORMAT, INDEX_KINDS, INDEX_LABELS, indexSources, type CompiledIndexFile, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { Icd10cmRelease } from '../icd10cm/release.js';
import { isMedcoderError, MedcoderError } from '../errors.js';
import type { ReleaseRef } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSets, DateOptions } from '../releases/registry.js';
import { readReleaseBytes, readReleaseFile } from '../releases/store.js';
import { checkQuery, searchIndexOf } from './code-search.js';
import { drugPath, neoplasmPath, walkIndex, type IndexPath, type WalkContext } from './index-walk.js';
import type { DrugUse, NeoplasmBehavior } from './references.js';
import type { SearchIndex } from './search-index.js';
import { CHECK_FILE, CHECK_FORMAT, CheckTable } from './check-table.js';
import { useFactSource } from './verify.js';
import { buildWalkFile, WALK_FILES, WALK_FORMAT, WalkBook } from './walk-data.js';
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

/** Opened check files per CodeSets, keyed by release id. */
const checkTables = new WeakMap<CodeSets, Map<string, Promise<CheckTable | undefined>>>();

/**
 * The check file a release's import wrote (see check-table.ts), or none for
 * a home compiled before check files existed or by another format of them:
 * checks are then worked out as walks meet their codes, with the same answers.
 */
function checkTableOf(cs: CodeSets, m: ReleaseManifest): Promise<CheckTable | undefined> {
  let perHome = checkTables.get(cs);
  if (!perHome) checkTables.set(cs, (perHome = new Map()));
  let p = perHome.get(m.id);
  if (!p) {
    p = (async () => {
      if (!m.files.includes(CHECK_FILE)) return undefined;
      const { bytes, path } = await readReleaseBytes(cs.home, m.id, CHECK_FILE);
      try {
        return new CheckTable(bytes, path);
      } catch (e) {
        if (isMedcoderError(e) && typeof e.details.format === 'number' && e.details.format !== CHECK_FORMAT) return undefined;
        throw e;
      }
    })();
    p.catch(() => perHome.delete(m.id));
    perHome.set(m.id, p);
  }
  return p;
}

/** A walk context loaded for a date, for repeated synchronous walks (benchmarks, servers). */
export interface LoadedWalk {
  ctx: WalkContext;
  vocabulary: SearchIndex;
  release: ReleaseRef;
  indexFrom: IndexAnswer['indexFrom'];
  warnings: string[];
}

/** Opened index books per CodeSets, keyed "holder/kind": releases that borrow an index share one copy. */
const books = new WeakMap<CodeSets, Map<string, Promise<WalkBook>>>();

/**
 * An index publication in its compact form: the holder release's walk file,
 * or (for a home compiled before walk files existed) built from its index
 * JSON on the spot, which is slower but gives the same walks.
 */
function bookOf(cs: CodeSets, holder: string, kind: IndexKind, asked: string): Promise<WalkBook> {
  let perHome = books.get(cs);
  if (!perHome) books.set(cs, (perHome = new Map()));
  const key = `${holder}/${kind}`;
  let p = perHome.get(key);
  if (!p) {
    p = (async () => {
      const m = cs.manifests.find((x) => x.id === holder);
      if (!m) {
        throw new MedcoderError('RELEASE_NOT_FOUND', `${asked} takes its ${INDEX_LABELS[kind]} from ${holder}, which is not compiled in ${cs.home}; run "medcoder codesets import"`, { release: holder });
      }
      if (m.files.includes(WALK_FILES[kind])) {
        const { bytes, path } = await readReleaseBytes(cs.home, holder, WALK_FILES[kind]);
        try {
          return new WalkBook(bytes, path);
        } catch (e) {
          // A walk file an older version wrote: built again from the index JSON below (slower, same walks as a new
          // file), with a warning to import again.
          const older = isMedcoderError(e) && typeof e.details.format === 'number' && e.details.format < WALK_FORMAT;
          if (!older || !m.files.includes(INDEX_FILES[kind])) throw e;
        }
      }
      if (!m.files.includes(INDEX_FILES[kind])) {
        throw new MedcoderError('RELEASE_CORRUPT', `${asked} takes its ${INDEX_LABELS[kind]} from ${holder}, which has no ${INDEX_FILES[kind]}; run "medcoder codesets import --force"`, { release: holder, file: INDEX_FILES[kind] });
      }
      const data = (await readReleaseFile(cs.home, holder, INDEX_FILES[kind])) as CompiledIndexFile;
      if (!data || data.format !== INDEX_FORMAT || data.kind !== kind || !Array.isArray(data.letters)) {
        throw new MedcoderError('RELEASE_CORRUPT', `${holder}/${INDEX_FILES[kind]} is not a compiled ${INDEX_LABELS[kind]} of format ${INDEX_FORMAT}; run "medcoder codesets import --force"`, { release: holder });
      }
      const book = new WalkBook(buildWalkFile(data, holder), `${holder}/${INDEX_FILES[kind]}`);
      if (m.files.includes(WALK_FILES[kind])) book.rebuilt = true;
      return book;
    })();
    p.catch(() => perHome.delete(key));
    perHome.set(key, p);
  }
  return p;
}

export async function loadWalk(cs: CodeSets, opts: DateOptions = {}): Promise<LoadedWalk> {
  const r = cs.resolve('icd10cm', opts);
  const from = indexSources(r.manifest);
  const opened = Promise.all(INDEX_KINDS.filter((k) => from[k]).map(async (k) => [k, await bookOf(cs, from[k]!, k, r.manifest.id)] as const));
  const [loaded, kinds, vocabulary, checks] = await Promise.all([cs.load(r.manifest.id), opened, searchIndexOf(cs, r.manifest.id), checkTableOf(cs, r.manifest)]);
  if (!(loaded instanceof Icd10cmRelease)) throw new MedcoderError('INVALID_ARGUMENT', `${r.manifest.id} is not an ICD-10-CM release`);
  if (checks) useFactSource(loaded, checks, vocabulary);
  const ctx: WalkContext = { release: loaded, search: vocabulary };
  for (const [kind, book] of kinds) ctx[kind] = book;
  const warnings = [...r.warnings];
  for (const [kind, book] of kinds) {
    if (book.rebuilt) warnings.push(`the ${INDEX_LABELS[kind]} walk file of ${from[kind]} was written by an older version and was rebuilt in memory; run "medcoder codesets import --force" to store the new one`);
  }
  if (from.index && from.index !== r.manifest.id) {
    warnings.push(`the Alphabetic Index is ${from.index}'s (${r.ref.label} has none of its own); codes are checked against ${r.ref.label}`);
  }
  return { ctx, vocabulary, release: r.ref, indexFrom: from, warnings };
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
