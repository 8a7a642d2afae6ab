import { isMedcoderError } from '../errors.js';
import type { ReleaseRef } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSets } from '../releases/registry.js';
import { readReleaseFile } from '../releases/store.js';
import { TABLE_LABELS, type TableSystem } from '../systems.js';

/** A rule table loaded for one release, with where it came from. */
export interface LoadedTable<T> {
  table: T;
  manifest: ReleaseManifest;
  ref: ReleaseRef;
  /** Set when no release was in force on the date and an older one answers. */
  warnings: string[];
}

/** Why a table could not answer for a date. */
export interface MissingTable {
  missing: string;
}

export type TableAnswer<T> = LoadedTable<T> | MissingTable;

export function isMissing<T>(a: TableAnswer<T>): a is MissingTable {
  return 'missing' in a;
}

/**
 * The rule tables of a home (claim edits, risk adjustment), chosen by date of
 * service like code sets and loaded once. Several homes can be stacked: the
 * first that has a system answers for it (fixtures in tests, a payer's own
 * tables beside the official ones).
 */
export class TableStore {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly resolved = new Map<string, TableAnswer<unknown> | Promise<TableAnswer<unknown>>>();

  constructor(readonly homes: readonly CodeSets[]) {}

  /** The home and release of a system in force on a date, or why there is none. */
  private pick(system: TableSystem, date: string): { cs: CodeSets; manifest: ReleaseManifest; ref: ReleaseRef; warnings: string[] } | MissingTable {
    let reason: string | undefined;
    for (const cs of this.homes) {
      if (cs.releases(system).length === 0) continue;
      try {
        const r = cs.resolve(system, { date });
        return { cs, manifest: r.manifest, ref: r.ref, warnings: r.warnings };
      } catch (e) {
        if (!isMedcoderError(e)) throw e;
        reason ??= e.message;
      }
    }
    return { missing: reason ?? `no ${TABLE_LABELS[system]} table is compiled; put its files in a release folder and run "medcoder codesets import"` };
  }

  /**
   * Load the table of a system in force on a date. `build` turns the compiled
   * file into the table object; it runs once per release.
   */
  get<T>(system: TableSystem, date: string, file: string, build: (data: unknown, manifest: ReleaseManifest) => T): Promise<TableAnswer<T>> | TableAnswer<T> {
    const key = `${system}|${date}`;
    const hit = this.resolved.get(key);
    if (hit) return hit as TableAnswer<T> | Promise<TableAnswer<T>>;
    const picked = this.pick(system, date);
    if ('missing' in picked) {
      this.resolved.set(key, picked);
      return picked;
    }
    const cacheKey = `${picked.cs.home}|${picked.manifest.id}|${file}`;
    let p = this.cache.get(cacheKey) as Promise<T> | undefined;
    if (!p) {
      p = readReleaseFile(picked.cs.home, picked.manifest.id, file).then((data) => build(data, picked.manifest));
      p.catch(() => this.cache.delete(cacheKey));
      this.cache.set(cacheKey, p);
    }
    const answer = p.then((table) => {
      const a: LoadedTable<T> = { table, manifest: picked.manifest, ref: picked.ref, warnings: picked.warnings };
      this.resolved.set(key, a);
      return a;
    });
    this.resolved.set(key, answer);
    return answer;
  }
}

const stores = new WeakMap<CodeSets, TableStore>();

/** The table store of one home (one per CodeSets, so tables load once). */
export function tableStore(codeSets: CodeSets): TableStore {
  let s = stores.get(codeSets);
  if (!s) stores.set(codeSets, (s = new TableStore([codeSets])));
  return s;
}
