import type { CodeSystem } from './systems.js';
import type { IsoDate } from './dates.js';

/** A release as shown in answers. */
export interface ReleaseRef {
  id: string;
  label: string;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate;
}

export type NoteKind =
  | 'includes'
  | 'inclusionTerm'
  | 'excludes1'
  | 'excludes2'
  | 'codeFirst'
  | 'useAdditionalCode'
  | 'codeAlso'
  | 'notes'
  | 'sevenChrNote';

/** An instructional note as it applies to a code. */
export interface CodeNote {
  kind: NoteKind;
  text: string;
  /** The code (or chapter/section id) that carries the note; equals the looked-up code when it is the code's own. */
  from: string;
  /** The release the note text was taken from, when not the answering release (e.g. FY2026 notes taken from the 2021 tabular). */
  release?: string;
}

export interface SeventhCharacter {
  char: string;
  meaning: string;
}

export interface SeventhCharacterInfo {
  /** Where the definitions are declared (the category or subcategory). */
  from: string;
  definitions: SeventhCharacter[];
  /** Characters the tabular's own text rules out for this code. */
  excluded?: Array<{ char: string; rule: string }>;
  release?: string;
}

export interface CodeRef {
  code: string;
  title: string;
  billable?: boolean;
}

export interface CrosswalkTarget {
  system: CodeSystem;
  code: string;
  title?: string;
  /** GEM flags: approximate, noMap, combination, scenario, choiceList. */
  flags: { approximate: boolean; noMap: boolean; combination: boolean; scenario: number; choiceList: number };
}

/** Everything medcoder knows about one code on one date. */
export interface CodeDetail {
  system: CodeSystem;
  code: string;
  title: string;
  shortTitle?: string;
  /** Valid for reporting on a claim (ICD: billable / HIPAA-valid). */
  billable: boolean;
  /** chapter, section, category, subcategory, code, header (a PCS table), modifier, … */
  kind: string;
  release: ReleaseRef;
  chapter?: { id: string; title: string };
  section?: { id: string; title: string };
  ancestors?: CodeRef[];
  children?: CodeRef[];
  notes?: CodeNote[];
  seventhCharacter?: SeventhCharacterInfo;
  /** For a full code built from a 7th character: the stem and what the character means. */
  extension?: { stem: string; char: string; meaning: string };
  /** Per-axis meaning for ICD-10-PCS. */
  axes?: Array<{ pos: number; title: string; value: string; label: string; definition?: string }>;
  /** System-specific facts (HCPCS dates, pricing indicator, …). */
  attributes?: Record<string, unknown>;
  /** Where pieces come from when not from the answering release's own files. */
  provenance?: Record<string, string>;
  crosswalk?: CrosswalkTarget[];
}

export type ValidationReasonCode =
  | 'EMPTY'
  | 'INVALID_FORMAT'
  | 'INVALID_CHARACTER'
  | 'NOT_BILLABLE'
  | 'SEVENTH_CHARACTER_REQUIRED'
  | 'SEVENTH_CHARACTER_INVALID'
  | 'SEVENTH_CHARACTER_NOT_ALLOWED'
  | 'PLACEHOLDER_REQUIRED'
  | 'AXIS_VALUE_NOT_ALLOWED'
  | 'NOT_IN_RELEASE'
  | 'UNKNOWN_CODE'
  | 'TERMINATED'
  | 'NOT_YET_EFFECTIVE'
  | 'NO_DESCRIPTOR';

export interface ValidationReason {
  code: ValidationReasonCode;
  message: string;
  /** For PCS: which axis; for 7th character: the position, etc. */
  position?: number;
  [extra: string]: unknown;
}

export interface Validation {
  input: string;
  system: CodeSystem;
  /** The input normalised (upper case, dot placed) when it could be. */
  code: string;
  /** The code exists in the release (as any kind of node). */
  exists: boolean;
  /** The code may be reported (billable leaf / full code). */
  valid: boolean;
  title?: string;
  release: ReleaseRef;
  reasons: ValidationReason[];
  /** For non-billable codes: billable codes below it (first ones). */
  billableChildren?: CodeRef[];
  /** Corrected forms (placeholder X added) and nearest valid codes. */
  suggestions?: CodeRef[];
  /** Releases in which the code is valid, when it is not valid in this one. */
  validIn?: Array<{ release: string; label: string }>;
  /** Most recent release (before this date) where the code was valid, for deleted codes. */
  lastValidIn?: { release: string; label: string; effectiveTo: IsoDate };
  /** Warnings about the release choice (stale, gap). */
  warnings?: string[];
}
