/**
 * The HTTP API's request and response shapes: one zod schema per shape,
 * used by the server for validation and the OpenAPI document, and by the web
 * app for its types (`import type … from '@medcoder/server/api'`).
 */
import { z } from 'zod';

export const Role = z.enum(['coder', 'auditor', 'manager', 'admin']);
export type Role = z.infer<typeof Role>;
export const Setting = z.enum(['inpatient', 'outpatient', 'emergency', 'professional']);
export type Setting = z.infer<typeof Setting>;
export const EncounterStatus = z.enum(['pending', 'ready', 'in_progress', 'query', 'finalized']);
export type EncounterStatus = z.infer<typeof EncounterStatus>;
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const Id = z.coerce.number().int().positive();

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  /** The field at fault, as a path such as "body.codes.0.code". */
  field: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  code: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const IdParams = z.object({ id: Id });

// ---- auth and users
export const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export const UserOut = z.object({ id: z.number(), username: z.string(), displayName: z.string(), role: Role, active: z.boolean() });
export type UserOut = z.infer<typeof UserOut>;
export const SessionOut = z.object({ user: UserOut, csrfToken: z.string() });
export type SessionOut = z.infer<typeof SessionOut>;
export const CreateUserBody = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/, 'lower-case letters, digits, dot, dash or underscore (2 to 40)'),
  displayName: z.string().min(1).max(100),
  role: Role,
  password: z.string().min(10, 'at least 10 characters').max(200),
});
export const UpdateUserBody = z.object({ displayName: z.string().min(1).max(100).optional(), role: Role.optional(), active: z.boolean().optional(), password: z.string().min(10).max(200).optional() });

// ---- encounters and documents
export const Evidence = z.object({ documentId: z.number(), start: z.number(), end: z.number(), text: z.string() });
export type Evidence = z.infer<typeof Evidence>;
export const DocumentIn = z.object({
  title: z.string().min(1).max(200),
  /** Plain text; or base64 content with its MIME type (application/pdf, image/png, image/jpeg). */
  text: z.string().max(2_000_000).optional(),
  contentBase64: z.string().max(30_000_000).optional(),
  mime: z.string().optional(),
});
export const PatientIn = z.object({ mrn: z.string().min(1).max(40), name: z.string().min(1).max(200), birthDate: IsoDate.optional(), sex: z.enum(['F', 'M', 'U']).optional() });
/**
 * What a claim needs that the chart does not hold: the billing and other
 * providers, the subscriber, the payer's ids, the patient's address, charges
 * per code, institutional codes. Parties use the engine's claim model
 * (packages/engine/src/claims/model.ts); the 837 pre-flight names what is missing.
 */
export const ClaimDataIn = z.object({
  patient: z.object({ name: z.record(z.string(), z.unknown()).optional(), address: z.record(z.string(), z.unknown()).optional() }).optional(),
  subscriber: z.record(z.string(), z.unknown()).optional(),
  payer: z.record(z.string(), z.unknown()).optional(),
  providers: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** professional claims: two-digit place of service */
  placeOfService: z.string().regex(/^\d{2}$/).optional(),
  /** institutional claims: type of bill, e.g. 0111 */
  typeOfBill: z.string().regex(/^0?\d{3}$/).optional(),
  admission: z.object({ type: z.string().optional(), source: z.string().optional(), hour: z.number().int().min(0).max(23).optional() }).optional(),
  discharge: z.object({ status: z.string().optional(), hour: z.number().int().min(0).max(23).optional() }).optional(),
  /** charge in dollars per CPT/HCPCS code (service lines) */
  charges: z.record(z.string(), z.number().nonnegative()).optional(),
  /** revenue code per CPT/HCPCS code (institutional lines) */
  revenueCodes: z.record(z.string(), z.string().regex(/^\d{4}$/)).optional(),
  /** institutional lines that are not coded services (room and board, supplies): revenue code, units, charge; dated over the stay */
  facilityLines: z.array(z.object({ revenueCode: z.string().regex(/^\d{4}$/), units: z.number().positive(), unitType: z.enum(['UN', 'DA']).optional(), charge: z.number().nonnegative().optional() })).max(100).optional(),
  indicators: z.record(z.string(), z.unknown()).optional(),
});
export type ClaimDataIn = z.infer<typeof ClaimDataIn>;

export const ClaimReadinessOut = z.object({
  /** 837P (professional) or 837I (institutional) */
  guide: z.string(),
  ready: z.boolean(),
  /** a CMS-1500 exists for professional claims */
  cms1500: z.boolean(),
  issues: z.array(z.object({ field: z.string(), message: z.string(), severity: z.string(), rule: z.string() })),
});
export type ClaimReadinessOut = z.infer<typeof ClaimReadinessOut>;

export const CreateEncounterBody = z.object({
  externalId: z.string().max(100).optional(),
  patient: PatientIn,
  setting: Setting,
  serviceFrom: IsoDate,
  serviceTo: IsoDate.optional(),
  provider: z.string().max(200).optional(),
  payer: z.string().max(200).optional(),
  /** claim details for the 837 and CMS-1500 of the finalized encounter */
  claim: ClaimDataIn.optional(),
  documents: z.array(DocumentIn).min(1).max(50),
});
export type CreateEncounterBody = z.infer<typeof CreateEncounterBody>;

export const EncounterSummary = z.object({
  id: z.number(),
  externalId: z.string().nullable(),
  patient: z.object({ mrn: z.string(), name: z.string() }),
  setting: Setting,
  serviceFrom: z.string(),
  serviceTo: z.string(),
  provider: z.string().nullable(),
  payer: z.string().nullable(),
  status: EncounterStatus,
  assignedTo: z.object({ id: z.number(), name: z.string() }).nullable(),
  finalizedBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  version: z.number(),
  updatedAt: z.string(),
});
export type EncounterSummary = z.infer<typeof EncounterSummary>;

export const WorklistQuery = z.object({
  status: EncounterStatus.optional(),
  setting: Setting.optional(),
  /** a user id, or "me" */
  coder: z.union([z.literal('me'), z.literal('unassigned'), Id]).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** keyset cursor from the previous page */
  after: z.string().optional(),
});
export const WorklistOut = z.object({
  items: z.array(EncounterSummary),
  next: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  total: z.number(),
});
export type WorklistOut = z.infer<typeof WorklistOut>;

export const DocumentOut = z.object({ id: z.number(), title: z.string(), kind: z.string(), mime: z.string(), textSource: z.string(), ocrConfidence: z.number().nullable(), text: z.string() });
export type DocumentOut = z.infer<typeof DocumentOut>;
export const SuggestionOut = z.object({
  id: z.number(), system: z.string(), code: z.string(), title: z.string(), kind: z.string(), sequence: z.number().nullable(),
  confidence: z.number(), rationale: z.string(), evidence: z.array(Evidence), status: z.string(),
  rejectReason: z.string().nullable(), suppressReason: z.string().nullable(), poa: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type SuggestionOut = z.infer<typeof SuggestionOut>;
export const FinalCodeOut = z.object({ id: z.number(), system: z.string(), code: z.string(), title: z.string(), kind: z.string(), sequence: z.number(), poa: z.string().nullable(), suggestionId: z.number().nullable() });
export type FinalCodeOut = z.infer<typeof FinalCodeOut>;
export const EditFix = z.object({ action: z.enum(['replace', 'remove', 'add', 'resequence']), code: z.string().optional(), replacement: z.string().optional(), label: z.string() });
export const EditFindingOut = z.object({
  id: z.number(), rule: z.string(), severity: z.string(), message: z.string(), codes: z.array(z.string()), fixes: z.array(EditFix), status: z.string(),
  /** the claim-scrubber layer: validity, icd10cm-instructions, mce, poa, ncci-ptp, mue, add-on, medical-necessity, or claim */
  layer: z.string().nullable().optional(),
  /** what to do about it */
  advice: z.string().nullable().optional(),
  /** the edit table or release it comes from */
  source: z.string().nullable().optional(),
});
export type EditFindingOut = z.infer<typeof EditFindingOut>;
export const QueryOut = z.object({
  id: z.number(), encounterId: z.number(), encounterExternalId: z.string().nullable().optional(), patientName: z.string().optional(), code: z.string().nullable(), question: z.string(), status: z.string(),
  createdBy: z.string(), createdAt: z.string(), answer: z.string().nullable(), answeredAt: z.string().nullable(), closedAt: z.string().nullable(),
});
export type QueryOut = z.infer<typeof QueryOut>;
export const EncounterDetail = z.object({
  encounter: EncounterSummary.extend({ codedAt: z.string().nullable(), codingEngine: z.string().nullable(), codingError: z.string().nullable(), finalizedAt: z.string().nullable() }),
  documents: z.array(DocumentOut),
  suggestions: z.array(SuggestionOut),
  finalCodes: z.array(FinalCodeOut),
  edits: z.array(EditFindingOut),
  queries: z.array(QueryOut),
});
export type EncounterDetail = z.infer<typeof EncounterDetail>;

// ---- review (every change carries the encounter version it was made on)
export const Versioned = z.object({ version: z.number().int().positive() });
export const Poa = z.enum(['Y', 'N', 'U', 'W', '1']);
export const AcceptBody = Versioned.extend({ poa: Poa.optional() });
export const RejectBody = Versioned.extend({ reason: z.string().min(1, 'a reason is required').max(500) });
export const AddCodeBody = Versioned.extend({ system: z.enum(['icd10cm', 'icd10pcs', 'hcpcs', 'cpt']), code: z.string().min(1).max(10), poa: Poa.optional() });
export const UpdateCodeBody = Versioned.extend({ code: z.string().min(1).max(10).optional(), poa: Poa.nullable().optional() });
export const SequenceBody = Versioned.extend({ order: z.array(z.number().int()).min(1) });
export const FixBody = Versioned.extend({ fix: z.number().int().min(0) });
export const VersionOut = z.object({ version: z.number() });
export const AssignBody = z.object({ userId: z.number().int().nullable() });

// ---- provider queries
export const CreateQueryBody = z.object({ code: z.string().max(10).optional(), question: z.string().min(5, 'say what is unclear').max(4000) });
export const AnswerQueryBody = z.object({ answer: z.string().min(1).max(8000), addToDocuments: z.boolean().default(true) });

// ---- codes
export const CodeQuery = z.object({ system: z.string().optional(), date: IsoDate.optional() });
export const SearchQuery = z.object({ q: z.string().min(1).max(200), system: z.string().default('icd10cm'), date: IsoDate.optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
export const SearchHit = z.object({ code: z.string(), title: z.string(), billable: z.boolean(), score: z.number(), path: z.string().optional() });
export const SearchOut = z.object({ system: z.string(), release: z.string(), hits: z.array(SearchHit), engine: z.string() });
export type SearchOut = z.infer<typeof SearchOut>;
export const CodeTextBody = z.object({ text: z.string().min(1).max(200_000), setting: Setting.default('outpatient'), date: IsoDate.optional() });
export const CodingOut = z.object({ engine: z.string(), codes: z.array(z.object({
  system: z.string(), code: z.string(), title: z.string(), kind: z.string(), sequence: z.number().nullable(), confidence: z.number(),
  rationale: z.string(), evidence: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })), suppressReason: z.string().nullable(),
})) });
export type CodingOut = z.infer<typeof CodingOut>;

// ---- audits
export const SampleBody = z.object({
  percent: z.number().min(0.1).max(100).optional(),
  count: z.number().int().min(1).max(1000).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  coderId: z.number().int().optional(),
  seed: z.number().int().optional(),
}).refine((b) => (b.percent === undefined) !== (b.count === undefined), { message: 'give either percent or count', path: ['percent'] });
export const AuditCode = z.object({ system: z.string(), code: z.string(), sequence: z.number().int().optional() });
export const AuditReviewBody = z.object({ codes: z.array(AuditCode).min(1), comments: z.string().max(8000).optional() });
export const RebuttalBody = z.object({ rebuttal: z.string().min(1).max(8000) });
export const AuditOut = z.object({
  id: z.number(), encounterId: z.number(), coder: z.string(), coderId: z.number(), auditor: z.string().nullable(), status: z.string(),
  precision: z.number().nullable(), recall: z.number().nullable(), principalChanged: z.boolean().nullable(),
  truePositives: z.number().nullable(), falsePositives: z.number().nullable(), falseNegatives: z.number().nullable(),
  comments: z.string().nullable(), rebuttal: z.string().nullable(), createdAt: z.string(), completedAt: z.string().nullable(),
  /** hidden from the auditor until the review is in (blind re-code) */
  coderCodes: z.array(AuditCode).nullable(),
  auditorCodes: z.array(AuditCode).nullable(),
});
export type AuditOut = z.infer<typeof AuditOut>;
export const CoderAccuracy = z.object({ coderId: z.number(), coder: z.string(), audits: z.number(), precision: z.number(), recall: z.number(), principalChanges: z.number() });
export const AccuracyOut = z.object({ coders: z.array(CoderAccuracy) });
export type AccuracyOut = z.infer<typeof AccuracyOut>;

// ---- dashboard
export const DashboardOut = z.object({
  codedPerDay: z.array(z.object({ day: z.string(), count: z.number() })),
  acceptance: z.object({ accepted: z.number(), rejected: z.number(), pending: z.number(), rate: z.number().nullable() }),
  accuracy: z.array(CoderAccuracy),
  topEdits: z.array(z.object({ rule: z.string(), count: z.number() })),
  statusCounts: z.record(z.string(), z.number()),
});
export type DashboardOut = z.infer<typeof DashboardOut>;

export const TrailVerifyOut = z.object({ ok: z.boolean(), rows: z.number(), brokenAt: z.object({ id: z.number(), reason: z.string() }).optional() });
