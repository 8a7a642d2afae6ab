import type { CodeSystem } from '../systems.js';
import type { CodeDetail, ReleaseRef, Validation } from '../lookup.js';
import type { ReleaseManifest } from './manifest.js';

/**
 * A compiled release loaded in memory. Every method is synchronous and
 * answers from this release alone; the registry adds what needs other
 * releases (where else a code is valid, crosswalks).
 */
export interface CodeSetRelease {
  readonly system: CodeSystem;
  readonly manifest: ReleaseManifest;
  readonly ref: ReleaseRef;
  /** Normalise user input to the code's canonical written form (upper case, dot placed). */
  normalize(input: string): string;
  /** Everything known about a code, or undefined when the release has no such code. */
  lookup(code: string): CodeDetail | undefined;
  /** Validity with reasons; `suggestions` are filled for unknown codes. */
  validate(input: string): Validation;
  /** Every code that may be reported, in code order (includes implied 7th-character codes). */
  billableCodes(): Iterable<string>;
  /** Number of billable codes. */
  billableCount(): number;
}

/** Reads one system's compiled release folder. */
export interface SystemLoader {
  system: CodeSystem;
  load(dir: string, manifest: ReleaseManifest, ref: ReleaseRef): Promise<CodeSetRelease>;
}
