import type { ReleaseSystem } from '../systems.js';
import type { Progress } from '../progress.js';
import type { Detection } from '../sources/detect.js';
import type { SourceEntry } from '../sources/entry.js';
import type { ReleaseKey } from './key.js';
import type { ReleaseManifest } from './manifest.js';

export interface GroupSource {
  entry: SourceEntry;
  detection: Detection;
}

/** All source files that belong to one release. */
export interface ReleaseGroup {
  key: ReleaseKey;
  id: string;
  sources: GroupSource[];
}

/** What a system compiler hands back: data files (written as JSON) and manifest facts. */
export interface CompiledOutput {
  files: Record<string, unknown>;
  counts: Record<string, number>;
  notes?: string[];
  provenance?: Record<string, string>;
  derived?: boolean;
  /** Override the span when the content says more than the key (e.g. HCPCS quarter). */
  effectiveFrom?: string;
  effectiveTo?: string;
}

export interface CompileContext {
  progress: Progress;
  /**
   * Compilers publish parsed data here for later releases of the same run
   * (e.g. the 2021 tabular lends its notes to FY2026). Keys are release ids.
   */
  shared: Map<string, unknown>;
  /** Compiled releases already in MEDCODER_HOME (not rebuilt in this run). */
  existing: ReleaseManifest[];
  /** Read a data file of an already compiled release. */
  readCompiled(id: string, file: string): Promise<unknown>;
}

/**
 * One code system's compiler. Groups are handed over oldest first, so a
 * compiler can lean on earlier releases of the same run through `shared`.
 */
export interface SystemCompiler {
  system: ReleaseSystem;
  compile(group: ReleaseGroup, ctx: CompileContext): Promise<CompiledOutput>;
  /**
   * Optional: fold groups that are not releases of their own into others
   * (e.g. April drug tables into the FY base release). Returns the groups to compile.
   */
  arrange?(groups: ReleaseGroup[]): ReleaseGroup[];
}
