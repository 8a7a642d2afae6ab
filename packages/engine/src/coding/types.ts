import type { ReleaseRef } from '../lookup.js';
import type { SectionKind } from '../document/sections.js';
import type { ContextCategory } from '../nlp/context.js';

/** Coding setting: outpatient (first-listed diagnosis, uncertain diagnoses not coded) or inpatient (principal diagnosis, uncertain diagnoses coded as established). */
export type CodingSetting = 'outpatient' | 'inpatient';

/** Words of the note that support a code. Offsets index the original text. */
export interface Evidence {
  start: number;
  end: number;
  text: string;
  section: SectionKind;
}

/** Why a code was chosen: the index path, table row, title, lexicon phrase, or guideline rule. */
export interface Rationale {
  kind: 'index' | 'neoplasm' | 'tabular' | 'inclusion' | 'eindex' | 'lexicon' | 'mined' | 'rule';
  /** Index path ("Diabetes, diabetic > with > chronic kidney disease"), title, or phrase. */
  path?: string;
  /** Guideline rule id (data/coding/rules.json) when a rule chose or changed the code. */
  rule?: string;
  /** One human sentence. */
  text: string;
}

export type SuppressionReason = ContextCategory | 'integral-symptom' | 'excludes1' | 'combined' | 'no-injury' | 'manifestation-without-etiology' | 'pregnancy' | 'age' | 'redundant' | 'low-confidence';

export interface Suppression {
  reason: SuppressionReason;
  /** The trigger words or the code that caused it. */
  trigger?: string;
  /** Offsets of the trigger in the note. */
  start?: number;
  end?: number;
  text: string;
}

export interface CodedDiagnosis {
  code: string;
  title: string;
  /** 0–1. */
  confidence: number;
  status: 'suggested' | 'suppressed';
  evidence: Evidence[];
  rationale: Rationale[];
  /** Set when status is suppressed. */
  suppression?: Suppression;
  /** Outpatient first-listed or inpatient principal diagnosis; the rest are secondary. */
  sequence?: 'first-listed' | 'principal' | 'secondary';
  /** Contexts that applied to the mentions (e.g. uncertain, coded as established in an inpatient setting). */
  context?: ContextCategory[];
}

export interface DiagnosisCoding {
  system: 'icd10cm';
  setting: CodingSetting;
  /** The ICD-10-CM release in force on the date of service. */
  release: ReleaseRef;
  /** Suggested codes in rank order (sequencing first, then confidence). */
  codes: CodedDiagnosis[];
  /** Mentions that were found and not coded, with the reason. */
  suppressed: CodedDiagnosis[];
  warnings: string[];
}
