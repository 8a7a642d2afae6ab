import type { ReleaseSystem } from '../systems.js';
import type { IsoDate } from '../dates.js';

/** What a compiled release folder says about itself (manifest.json). */
export interface ReleaseManifest {
  /** Format version of the compiled files; a loader refuses other versions. */
  format: number;
  /** Stable id, e.g. `icd10cm-2026`, `icd10cm-2021-jan`, `hcpcs-2019`, `gems-2018`. */
  id: string;
  /** The code system, `gems` for crosswalk data, or a rule table (claim edits, risk adjustment). */
  system: ReleaseSystem;
  /** Fiscal year (ICD) or calendar year (HCPCS, CPT) the release is for. */
  year: number;
  /** Sub-year update: jan, apr, jul, oct. */
  period?: string;
  /** Human label, e.g. `ICD-10-CM FY2026`. */
  label: string;
  /** First date of service the release applies to. */
  effectiveFrom: IsoDate;
  /** Last date of service it applies to by its own definition (a later release may cut it short). */
  effectiveTo: IsoDate;
  /** True when the release was built from another release and changes (e.g. addenda), not a complete official file. */
  derived?: boolean;
  /** The official files the release was compiled from. */
  sources: ReleaseSource[];
  /** Where pieces came from when they were not in this release's own files. */
  provenance?: Record<string, string>;
  /** Counts for display and consistency checks. */
  counts: Record<string, number>;
  /** Data files in the folder. */
  files: string[];
  /** Fingerprint of the engine code that compiled it (a changed importer recompiles). */
  engine?: string;
  /** When the release was compiled. */
  compiledAt: string;
  /** Notes produced while compiling (skipped rows, rules applied). */
  notes?: string[];
}

export interface ReleaseSource {
  path: string;
  kind: string;
  sha256: string;
  size: number;
}

export const RELEASE_FORMAT = 1;
