/**
 * @medcoder/engine public API. What is exported here is what users may rely on.
 */
import './modules.js';

export { MedcoderError, isMedcoderError, type ErrorCode } from './errors.js';
export { CODE_SYSTEMS, SYSTEM_LABELS, isCodeSystem, type CodeSystem } from './systems.js';
export { parseIsoDate, today, type IsoDate } from './dates.js';
export type * from './lookup.js';
export type { Progress, ProgressStep } from './progress.js';
export { silentProgress } from './progress.js';
export type { ReleaseManifest, ReleaseSource } from './releases/manifest.js';
export type { CodeSetRelease } from './releases/release.js';
export { CodeSets, type DateOptions, type ResolvedRelease } from './releases/registry.js';
export { importReleases, type ImportOptions, type ImportReport, type ImportedRelease } from './releases/import.js';
export { defaultHome, defaultReleaseDirs, DOWNLOAD_HELP } from './releases/home.js';
export { crosswalk, GEM_PARTNER, type CrosswalkOptions, type CrosswalkResult, type CrosswalkScenario } from './gems/crosswalk.js';
export { GEM_DIRECTIONS, type GemDirection } from './gems/gem-file.js';
export type { HcpcsAttributes } from './hcpcs/compiled.js';
export { normalizeIcd9, type Icd9System } from './icd9cm/code.js';
export { CPT_COLUMNS } from './cpt/csv.js';
export { parseDocument, sectionAt, MAX_SENTENCE_TOKENS, type ClinicalDocument, type Section, type Sentence, type ParseOptions } from './document/document.js';
export { tokenize, foldCase, type Token, type TokenKind } from './document/tokens.js';
export { sectionDefinitions, SECTION_LABELS, type SectionKind, type SectionDefinition } from './document/sections.js';
export { clinicalText, looksBinary, MAX_NOTE_CHARS } from './document/input.js';
export {
  parseClaim,
  safeParseClaim,
  claimSchema,
  claimSpan,
  diagnosisDate,
  ageOn,
  npiCheckDigitOk,
  CLAIM_SETTINGS,
  POA_VALUES,
  type Claim,
  type ClaimInput,
  type ClaimIssue,
  type ClaimLine,
  type ClaimSetting,
  type ClaimParseResult,
  type Diagnosis,
  type IcdProcedure,
  type Provider,
  type Patient,
  type Subscriber,
  type Payer,
  type Address,
  type PersonName,
} from './claims/model.js';
export { codeDiagnoses, diagnosisCoder, loadConcepts, type CodeDiagnosesOptions } from './coding/module.js';
export { DiagnosisCoder, type CodeOptions } from './coding/coder.js';
export type { CodedDiagnosis, CodingSetting, DiagnosisCoding, Evidence, Rationale, Suppression, SuppressionReason } from './coding/types.js';
export type { ContextCategory } from './nlp/context.js';
export {
  codiEspDocuments,
  codiEspGold,
  defaultCodiEspDir,
  scoreCodiEsp,
  CodeMatcher,
  type CodiEspDocument,
  type CodiEspScore,
  type CodiEspSplit,
  type CodiEspTask,
  type PrecisionRecall,
} from './coding/codiesp.js';
export { goldFate, type GoldFate, type CodedNote } from './coding/gold-fate.js';
export { searchCodes, searchLoaded, loadSearch, codeShapes, SEARCH_SYSTEMS, type SearchOptions, type SearchHit, type SearchAnswer, type LoadedSearch } from './encoder/code-search.js';
export { lookupIndex, lookupNeoplasm, lookupDrug, loadWalk, walkLoaded, type IndexAnswer, type LoadedWalk } from './encoder/encoder.js';
export type { IndexPath, WalkStep, TableUse } from './encoder/index-walk.js';
export type { CodeCheck, CheckStatus } from './encoder/verify.js';
export { behaviorOf, drugUseOf, type NeoplasmBehavior, type DrugUse } from './encoder/references.js';
export { pcsChoices, pcsChoicesIn, type PcsChoices, type PcsChosen } from './encoder/pcs-builder.js';
// Procedures and services (issue 5): ICD-10-PCS from procedure text, E/M levels, CPT/HCPCS services with modifiers and units.
export { codeProcedures, openPcsCoder, pcsCoderFor, PROCEDURE_SETTINGS, type ProcedureCoding, type ProcedureCodingOptions, type ProcedureSetting } from './procedures/code-procedures.js';
export { PcsCoder, type PcsSuggestion, type PcsCodingOptions } from './procedures/pcs-coder.js';
export { PcsBuilder, type PcsBuild, type PcsAxisChoice, type PcsMissingAxis, type PcsRequest, type PcsMentionContext } from './procedures/pcs-builder.js';
export { type NoteSpans, type ProcedureMention } from './procedures/mentions.js';
export { type ProcedureRationale } from './procedures/rationale.js';
export { analyzeEm, emCategory, type EmAnalysis, type EmOptions, type EmPayer } from './em/em.js';
export { EM_CATEGORIES, type EmCategory } from './em/rules.js';
export { type Mdm, type MdmElement, type MdmFinding } from './em/mdm.js';
export { ProfessionalCoder, type ProfessionalCoding, type ProfessionalOptions, type ServiceLine, type ServiceKind } from './services/professional.js';
export { descriptorDosage } from './services/units.js';
export { modifierMeaning, type ModifierSuggestion } from './modifiers/modifiers.js';
export { evaluateCodiespProcedures, CODIESP_PCS_DATE, type CodiespProcedureResult } from './eval/codiesp-procedures.js';
export { scoreCodiesp, readCodiespGold, readCodiespDocs, cutCodes, type CodiespScore, type CodiespTask, type CodiespSplit } from './eval/codiesp.js';
// Claims out (issue 8): X12 837P/837I, pre-flight, CMS-1500 PDF, FHIR R4 Claim.
export { parse837, guideOf, type Parsed837, type ParseIssue, type Parse837Options } from './x12/parse-837.js';
export { build837, writeClaimFile, IMPLEMENTATIONS, type ClaimFile, type Build837Options } from './x12/write-837.js';
export { generate837, type Generated837 } from './x12/generate.js';
export { preflight, assertReady, guideFor, type PreflightResult, type PreflightIssue, type PreflightOptions } from './x12/preflight.js';
export { payerOptions, type PayerOptions } from './x12/payer-options.js';
export { crossCheck, type CrossCheck } from './x12/verify.js';
export { npiCheckDigit, npiProblem } from './x12/npi.js';
export { tokenize as tokenizeX12, writeSegment, DEFAULT_DELIMITERS, type Delimiters, type Segment as X12Segment } from './x12/segments.js';
export type { Guide as X12Guide } from './x12/loops.js';
export type { EnvelopeOptions, InterchangeHeader, GroupHeader, TransactionHeader } from './x12/envelope.js';
export { cms1500Pdf, type Cms1500Options } from './claim-output/cms1500.js';
export { fhirClaim, type FhirClaimOptions } from './claim-output/fhir-claim.js';
export { Scrubber, type ScrubberOptions, type ScrubResult, type LayerStatus } from './edits/scrubber.js';
export { LAYERS, LAYER_LABELS, ruleTexts, type Finding, type LayerId, type Severity, type RuleText } from './edits/finding.js';
export { parseRefs, parseRefItem, refMatches, anyRefMatches, type NoteRef } from './edits/code-refs.js';
export { TABLE_SYSTEMS, TABLE_LABELS, isTableSystem, type TableSystem, type ReleaseSystem } from './systems.js';
export {
  HccScorer,
  scoreModel,
  resolveSegment,
  SEGMENT_INPUTS,
  type HccPatient,
  type HccScoreOptions,
  type HccResult,
  type ModelScore,
  type HccModelChoice,
  type SegmentInput,
} from './hcc/score.js';
export { SEGMENTS, type Segment } from './hcc/model.js';
export type { GapHint, GapSuggestion } from './hcc/gaps.js';
export {
  runRollForward,
  type RollForwardRunOptions,
  type RollForwardReport,
  type IndexCodeCheck,
  type TableCheck,
} from './addenda/run.js';
export type { RollForwardOptions, UpdateStep, OrderCheck } from './addenda/roll-forward.js';
export type { AddendumOutcome, ApplyIssue, IssueSeverity } from './addenda/report.js';
export { findAddenda, ADDENDUM_KINDS, ADDENDUM_LABELS, type AddendumFile, type AddendumKind } from './addenda/sources.js';
export { REPORT_FILE as ADDENDA_REPORT_FILE, CHANGES_FILE as ADDENDA_CHANGES_FILE, derivedId, type SavedReport, type SavedChanges, type WrittenRelease } from './addenda/write.js';
export { diffReleases, type ReleaseDiff, type CodeChange, type NoteChange } from './addenda/diff.js';
export type { IndexDiff, IndexEntryRecord, IndexEntryChange } from './addenda/index-diff.js';
