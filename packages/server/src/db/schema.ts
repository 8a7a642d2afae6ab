/**
 * Table types for Kysely. The same query code runs on SQLite and PostgreSQL,
 * so columns use portable types only: integers, reals, text (ISO timestamps,
 * YYYY-MM-DD dates, JSON as text) and 0/1 integers for booleans.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export const ROLES = ['coder', 'auditor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SETTINGS = ['inpatient', 'outpatient', 'emergency', 'professional'] as const;
export type Setting = (typeof SETTINGS)[number];

/** pending: waiting for coding; ready: suggestions in; in_progress: a coder is on it; query: a provider query is open. */
export const ENCOUNTER_STATUSES = ['pending', 'ready', 'in_progress', 'query', 'finalized'] as const;
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  active: number;
  created_at: string;
}

export interface SessionsTable {
  /** sha256 of the cookie token; the token itself is never stored. */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface PatientsTable {
  id: Generated<number>;
  mrn: string;
  name: string;
  birth_date: string | null;
  sex: string | null;
}

export interface EncountersTable {
  id: Generated<number>;
  external_id: string | null;
  patient_id: number;
  setting: Setting;
  service_from: string;
  service_to: string;
  provider: string | null;
  payer: string | null;
  status: EncounterStatus;
  assigned_to: number | null;
  version: number;
  coded_at: string | null;
  coding_engine: string | null;
  coding_error: string | null;
  finalized_by: number | null;
  finalized_at: string | null;
  created_at: string;
  updated_at: string;
  /** JSON: the claim details the chart does not hold (billing provider, subscriber, payer ids, charges), for the 837 and CMS-1500 */
  claim_data: string | null;
}

export interface DocumentsTable {
  id: Generated<number>;
  encounter_id: number;
  title: string;
  kind: string;
  mime: string;
  /** text: typed or pasted; pdf-text: PDF text layer; ocr: recognised from images. */
  text_source: string;
  ocr_confidence: number | null;
  text: string;
  created_at: string;
}

export interface SuggestionsTable {
  id: Generated<number>;
  encounter_id: number;
  system: string;
  code: string;
  title: string;
  /** diagnosis | procedure | service */
  kind: string;
  sequence: number | null;
  confidence: number;
  rationale: string;
  /** JSON: Evidence[] */
  evidence: string;
  /** suggested | accepted | rejected | suppressed */
  status: string;
  reject_reason: string | null;
  suppress_reason: string | null;
  poa: string | null;
  /** JSON: explanations (HCC, E/M) and anything else the engine returns. */
  details: string | null;
}

export interface FinalCodesTable {
  id: Generated<number>;
  encounter_id: number;
  system: string;
  code: string;
  title: string;
  kind: string;
  sequence: number;
  poa: string | null;
  suggestion_id: number | null;
  added_by: number;
  created_at: string;
}

export interface EditFindingsTable {
  id: Generated<number>;
  encounter_id: number;
  rule: string;
  severity: string;
  message: string;
  /** JSON: string[] codes concerned */
  codes: string;
  /** JSON: { action, code?, replacement?, label }[] */
  fixes: string;
  /** open | resolved | overridden */
  status: string;
  created_at: string;
  /** the scrubber layer that found it (validity, icd10cm-instructions, mce, poa, ncci-ptp, mue, add-on, medical-necessity, claim) */
  layer: string | null;
  /** what to do about it */
  advice: string | null;
  /** the edit table or release it comes from */
  source: string | null;
}

export interface ProviderQueriesTable {
  id: Generated<number>;
  encounter_id: number;
  code: string | null;
  question: string;
  status: string;
  created_by: number;
  created_at: string;
  answer: string | null;
  answered_by: number | null;
  answered_at: string | null;
  closed_at: string | null;
}

export interface AuditsTable {
  id: Generated<number>;
  encounter_id: number;
  coder_id: number;
  auditor_id: number | null;
  /** assigned | completed | rebutted | closed */
  status: string;
  /** JSON: AuditCode[] the auditor's blind codes */
  auditor_codes: string | null;
  /** JSON: the coder's final codes at sampling time */
  coder_codes: string;
  true_positives: number | null;
  false_positives: number | null;
  false_negatives: number | null;
  precision: number | null;
  recall: number | null;
  principal_changed: number | null;
  comments: string | null;
  rebuttal: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  /** queued | running | done | failed */
  status: string;
  attempts: number;
  max_attempts: number;
  run_after: string;
  locked_by: string | null;
  locked_at: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface AuditTrailTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/**
 * Encounters per status, setting and "unassigned", kept by triggers on encounters
 * (migration 0006): each change appends a signed delta row, so writers never wait
 * on one another; worklist counts sum the rows, and compaction folds them into one
 * row per group (services/encounter-counts.ts).
 */
export interface EncounterCountsTable {
  id: Generated<number>;
  status: EncounterStatus;
  setting: Setting;
  /** 1 when assigned_to is null */
  unassigned: number;
  n: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  patients: PatientsTable;
  encounters: EncountersTable;
  documents: DocumentsTable;
  suggestions: SuggestionsTable;
  final_codes: FinalCodesTable;
  edit_findings: EditFindingsTable;
  provider_queries: ProviderQueriesTable;
  audits: AuditsTable;
  jobs: JobsTable;
  audit_trail: AuditTrailTable;
  encounter_counts: EncounterCountsTable;
}

export type User = Selectable<UsersTable>;
export type Encounter = Selectable<EncountersTable>;
export type NewEncounter = Insertable<EncountersTable>;
export type EncounterUpdate = Updateable<EncountersTable>;
export type Job = Selectable<JobsTable>;
