import { MedcoderError } from '../errors.js';
import type { CodeSets } from '../releases/registry.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { readReleaseFile } from '../releases/store.js';
import { gemFileName, type GemCompiled, type GemDirection, type GemRow } from './gem-file.js';

/** One direction of the GEMs, loaded: source code (no dot) → rows. */
export class GemTable {
  private readonly map: Map<string, string>;
  constructor(readonly direction: GemDirection, readonly release: { id: string; label: string }, data: GemCompiled) {
    this.map = new Map(Object.entries(data.map));
  }

  get size(): number {
    return this.map.size;
  }

  /** The rows of a source code (no dot, upper case), in file order; empty when the GEM does not list it. */
  rows(source: string): GemRow[] {
    const text = this.map.get(source);
    if (!text) return [];
    return text.split(' ').map((e) => {
      const i = e.lastIndexOf(':');
      return { source, target: e.slice(0, i), flags: e.slice(i + 1) };
    });
  }
}

/**
 * The GEM directions of a home. GEMs are not bound to dates of service: each
 * direction comes from the newest gems release that has it (FY2018 for
 * diagnoses, FY2016 for procedures when no newer PCS GEMs were imported).
 * Data is read on first use and kept.
 */
export class GemStore {
  private readonly tables = new Map<GemDirection, Promise<GemTable | undefined>>();
  constructor(private readonly codeSets: CodeSets) {}

  /** The newest gems release holding a direction. */
  releaseFor(direction: GemDirection): ReleaseManifest | undefined {
    const file = gemFileName(direction);
    return this.codeSets
      .releases('gems')
      .filter((m) => m.files.includes(file))
      .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  }

  table(direction: GemDirection): Promise<GemTable | undefined> {
    let p = this.tables.get(direction);
    if (!p) {
      const m = this.releaseFor(direction);
      p = m
        ? readReleaseFile(this.codeSets.home, m.id, gemFileName(direction)).then((d) => new GemTable(direction, { id: m.id, label: m.label }, d as GemCompiled))
        : Promise.resolve(undefined);
      p.catch(() => this.tables.delete(direction));
      this.tables.set(direction, p);
    }
    return p;
  }

  /** Like table(), but a clear error when no gems release has the direction. */
  async require(direction: GemDirection): Promise<GemTable> {
    const t = await this.table(direction);
    if (!t) {
      throw new MedcoderError(
        'RELEASE_NOT_FOUND',
        `no GEMs release with ${direction} mappings is compiled in ${this.codeSets.home}; put the CMS GEM files in a release folder and run "medcoder codesets import"`,
        { direction },
      );
    }
    return t;
  }
}

const stores = new WeakMap<CodeSets, GemStore>();

/** The GEM store of a CodeSets (one per instance, so data is loaded once). */
export function gemStore(codeSets: CodeSets): GemStore {
  let s = stores.get(codeSets);
  if (!s) stores.set(codeSets, (s = new GemStore(codeSets)));
  return s;
}
