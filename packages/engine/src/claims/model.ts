/**
 * The claim model: one shape for every claim medcoder checks (claim edits,
 * risk adjustment) and writes (X12 837P/837I, CMS-1500, UB-04, FHIR Claim).
 *
 * The schema is strict about form (dates, code shapes, pointers, counts) and
 * leaves code validity to the edit layers, which know the release in force on
 * each date of service. Field names follow the claim forms' concepts, not one
 * format's element names; README.md beside this file maps them to 837 loops
 * and CMS-1500 boxes.
 */
import { z } from 'zod';
import { MedcoderError } from '../errors.js';

// ---------------------------------------------------------------- primitives

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(s: string): boolean {
  if (s.length !== 10 || !ISO_DATE.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/** A calendar date written YYYY-MM-DD (dates of service carry no time zone). */
export const isoDate = z.string().trim().refine(isCalendarDate, { message: 'must be a calendar date written YYYY-MM-DD' });

/** Upper case without surrounding blanks: codes are compared in this form. */
const codeText = (max: number) =>
  z
    .string()
    .trim()
    .toUpperCase()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must have at most ${max} characters` });

/** The NPI check digit: Luhn over the prefix 80840 and the first nine digits. */
export function npiCheckDigitOk(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === npi.charCodeAt(9) - 48;
}

export const npi = z
  .string()
  .trim()
  .regex(/^\d{10}$/, { message: 'an NPI has 10 digits' })
  .refine(npiCheckDigitOk, { message: 'NPI check digit does not match (Luhn with prefix 80840)' });

export const US_STATE = /^[A-Z]{2}$/;

export const addressSchema = z.object({
  line1: z.string().trim().min(1).max(55),
  line2: z.string().trim().max(55).optional(),
  city: z.string().trim().min(1).max(30),
  /** Two-letter state or territory code. */
  state: z.string().trim().transform((s) => s.toUpperCase()).pipe(z.string().regex(US_STATE, { message: 'a two-letter state code' })),
  /** ZIP code: 5 or 9 digits (a dash is dropped). 837 billing addresses need all 9. */
  postalCode: z
    .string()
    .trim()
    .transform((s) => s.replace('-', ''))
    .pipe(z.string().regex(/^\d{5}(\d{4})?$/, { message: 'a ZIP code of 5 or 9 digits' })),
  /** ISO 3166 country code when not US. */
  country: z.string().trim().length(2).optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const personNameSchema = z.object({
  last: z.string().trim().min(1).max(60),
  first: z.string().trim().max(35).optional(),
  middle: z.string().trim().max(25).optional(),
  suffix: z.string().trim().max(10).optional(),
});
export type PersonName = z.infer<typeof personNameSchema>;

export const SEXES = ['F', 'M', 'U'] as const;
export type Sex = (typeof SEXES)[number];

// ----------------------------------------------------------------- parties

/**
 * A provider on the claim: billing, rendering, referring, service facility,
 * attending, operating. A person has a name; an organisation an organisation
 * name (837 NM102 1 or 2).
 */
export const providerSchema = z
  .object({
    entity: z.enum(['person', 'organization']),
    name: personNameSchema.optional(),
    organizationName: z.string().trim().min(1).max(60).optional(),
    npi: npi.optional(),
    /** Health Care Provider Taxonomy code, e.g. 207Q00000X. */
    taxonomy: z
      .string()
      .trim()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(/^[0-9A-Z]{9}X$/, { message: 'a taxonomy code is 10 characters ending in X' }))
      .optional(),
    taxId: z
      .object({
        type: z.enum(['EIN', 'SSN']),
        value: z
          .string()
          .trim()
          .transform((s) => s.replace(/-/g, ''))
          .pipe(z.string().regex(/^\d{9}$/, { message: 'a tax id has 9 digits' })),
      })
      .optional(),
    address: addressSchema.optional(),
    phone: z.string().trim().max(20).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.entity === 'person' && !p.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a person needs a name' });
    if (p.entity === 'organization' && !p.organizationName) {
      ctx.addIssue({ code: 'custom', path: ['organizationName'], message: 'an organization needs an organizationName' });
    }
  });
export type Provider = z.infer<typeof providerSchema>;

export const patientSchema = z.object({
  name: personNameSchema.optional(),
  birthDate: isoDate,
  sex: z.enum(SEXES),
  address: addressSchema.optional(),
  /** The provider's medical record number for the patient. */
  medicalRecordNumber: z.string().trim().max(30).optional(),
});
export type Patient = z.infer<typeof patientSchema>;

/** Patient's relationship to the subscriber (837 SBR02/PAT01; CMS-1500 box 6). */
export const RELATIONSHIPS = ['self', 'spouse', 'child', 'employee', 'life-partner', 'organ-donor', 'cadaver-donor', 'other', 'unknown'] as const;

export const subscriberSchema = z.object({
  memberId: z.string().trim().min(1).max(80),
  name: personNameSchema,
  relationship: z.enum(RELATIONSHIPS).default('self'),
  birthDate: isoDate.optional(),
  sex: z.enum(SEXES).optional(),
  address: addressSchema.optional(),
  groupNumber: z.string().trim().max(50).optional(),
  groupName: z.string().trim().max(60).optional(),
  /** Insurance type (837P SBR05), e.g. 12 to 47 when Medicare is the secondary payer. */
  insuranceType: z.string().trim().max(3).optional(),
});
export type Subscriber = z.infer<typeof subscriberSchema>;

export const payerSchema = z.object({
  name: z.string().trim().min(1).max(60),
  /** The payer's electronic id (837 NM109 of loop 2010BB). */
  payerId: z.string().trim().max(80).optional(),
  address: addressSchema.optional(),
  /** Claim filing indicator (837 SBR09): MB Medicare Part B, MA Part A, MC Medicaid, CI commercial, … */
  filingIndicator: z.string().trim().max(2).optional(),
  /** primary, secondary or tertiary payer for this claim. */
  responsibility: z.enum(['primary', 'secondary', 'tertiary']).default('primary'),
  /** What kind of id `payerId` is (837 NM108): PI payer id (default), XV CMS National Plan ID. */
  idQualifier: z.enum(['PI', 'XV']).optional(),
});
export type Payer = z.infer<typeof payerSchema>;

// -------------------------------------------------------- codes on a claim

/** Present-on-admission indicators: Y yes, N no, U documentation insufficient, W clinically undetermined, 1 exempt (blank on paper). */
export const POA_VALUES = ['Y', 'N', 'U', 'W', '1'] as const;
export type PoaIndicator = (typeof POA_VALUES)[number];

export const diagnosisSchema = z.object({
  /** ICD-10-CM code, with or without the dot. */
  code: codeText(8),
  /** Inpatient only. */
  poa: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(POA_VALUES, { message: 'POA must be Y, N, U, W or 1' }))
    .optional(),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

/** An ICD-10-PCS procedure of an inpatient claim (837I HI BBR/BBQ; UB-04 FL 74). */
export const icdProcedureSchema = z.object({
  code: codeText(7),
  date: isoDate,
});
export type IcdProcedure = z.infer<typeof icdProcedureSchema>;

export const LINE_CODE_SYSTEMS = ['cpt', 'hcpcs'] as const;
export type LineCodeSystem = (typeof LINE_CODE_SYSTEMS)[number];

/** Units of service: UN units, MJ minutes (anesthesia), DA days (institutional room and board), F2 international units. */
export const UNIT_TYPES = ['UN', 'MJ', 'DA', 'F2'] as const;

export const ndcSchema = z.object({
  /** 11 digits in 5-4-2 form; dashes are dropped. */
  code: z
    .string()
    .trim()
    .transform((s) => s.replace(/-/g, ''))
    .pipe(z.string().regex(/^\d{11}$/, { message: 'an NDC has 11 digits (5-4-2)' })),
  quantity: z.number().positive(),
  /** F2 international unit, GR gram, ME milligram, ML milliliter, UN unit. */
  unit: z.enum(['F2', 'GR', 'ME', 'ML', 'UN']),
});

export const lineSchema = z.object({
  /** Line item control number (837 REF*6R), when the sender keeps one. */
  id: z.string().trim().max(50).optional(),
  /** Code system of `code`; when absent it is told from the code's shape (five digits or four and F/T/U/M: CPT). */
  system: z.enum(LINE_CODE_SYSTEMS).optional(),
  /** CPT or HCPCS Level II code. Institutional lines may carry a revenue code alone (room and board). */
  code: codeText(5).optional(),
  /** Up to four two-character modifiers, in reporting order. */
  modifiers: z
    .array(
      z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9]{2}$/, { message: 'a modifier has two letters or digits' }),
    )
    .max(4, { message: 'at most four modifiers per line' })
    .default([]),
  units: z.number().positive({ message: 'units must be more than 0' }).max(99999),
  unitType: z.enum(UNIT_TYPES).default('UN'),
  /** Line charge in dollars. */
  charge: z.number().nonnegative().optional(),
  /** First (or only) date of service of the line. */
  date: isoDate,
  /** Last date of service when the line spans days. */
  dateTo: isoDate.optional(),
  /** Two-digit CMS place of service code (professional); the claim's when absent. */
  placeOfService: z.string().trim().regex(/^\d{2}$/, { message: 'a place of service is two digits' }).optional(),
  /** 1-based positions in `diagnoses` (837P SV107; CMS-1500 24E as letters A-L). */
  diagnosisPointers: z.array(z.number().int().min(1).max(12)).max(4, { message: 'at most four diagnosis pointers' }).default([]),
  /** Revenue code (institutional), four digits. */
  revenueCode: z.string().trim().regex(/^\d{4}$/, { message: 'a revenue code has four digits' }).optional(),
  ndc: ndcSchema.optional(),
  /** A rendering provider for this line only. */
  renderingProvider: providerSchema.optional(),
  /** Description of an unlisted or not-otherwise-classified code (837 SV101-7 / SV202-7). */
  description: z.string().trim().max(80).optional(),
  /** Emergency service (837P SV109; CMS-1500 box 24C). */
  emergency: z.boolean().optional(),
});
export type ClaimLine = z.infer<typeof lineSchema>;

// -------------------------------------------------------------------- claim

/** professional (837P / CMS-1500), outpatient-facility and inpatient (837I / UB-04). */
export const CLAIM_SETTINGS = ['professional', 'outpatient-facility', 'inpatient'] as const;
export type ClaimSetting = (typeof CLAIM_SETTINGS)[number];

export const claimSchema = z
  .object({
    /** Patient control number / claim id (837 CLM01, CMS-1500 box 26, UB-04 FL 3a). */
    id: z.string().trim().min(1).max(38),
    /** Claim frequency: 1 original, 7 replacement, 8 void (837 CLM05-3; UB-04 type-of-bill last digit). */
    frequencyCode: z.string().trim().regex(/^[1-9]$/, { message: 'a frequency code is one digit' }).default('1'),
    /** The payer's claim number being replaced or voided (frequency 7 or 8). */
    originalClaimId: z.string().trim().max(50).optional(),
    setting: z.enum(CLAIM_SETTINGS),
    /** Institutional type of bill, e.g. 0111 (leading zero optional). */
    typeOfBill: z.string().trim().regex(/^0?\d{3}$/, { message: 'a type of bill has three digits after an optional leading 0' }).optional(),
    /** Place of service for all lines that give none (professional). */
    placeOfService: z.string().trim().regex(/^\d{2}$/, { message: 'a place of service is two digits' }).optional(),
    /** Statement period; defaults to the span of the line dates. */
    serviceDates: z.object({ from: isoDate, to: isoDate }).optional(),
    admission: z
      .object({
        date: isoDate,
        /** Hour 00-23. */
        hour: z.number().int().min(0).max(23).optional(),
        /** Priority (type) of admission, UB-04 FL 14: 1 emergency … 5 trauma, 9 unavailable. */
        type: z.string().trim().regex(/^\d$/).optional(),
        /** Point of origin (source), UB-04 FL 15. */
        source: z.string().trim().regex(/^[0-9A-Z]$/).optional(),
      })
      .optional(),
    discharge: z
      .object({
        date: isoDate,
        hour: z.number().int().min(0).max(23).optional(),
        /** Patient discharge status, two digits (UB-04 FL 17). */
        status: z.string().trim().regex(/^\d{2}$/, { message: 'a discharge status has two digits' }).optional(),
      })
      .optional(),
    patient: patientSchema,
    subscriber: subscriberSchema.optional(),
    payer: payerSchema.optional(),
    providers: z
      .object({
        billing: providerSchema.optional(),
        rendering: providerSchema.optional(),
        referring: providerSchema.optional(),
        serviceFacility: providerSchema.optional(),
        attending: providerSchema.optional(),
        operating: providerSchema.optional(),
      })
      .default({}),
    /** Diagnoses in reporting order: the first is the principal (inpatient) or first-listed diagnosis. */
    diagnoses: z.array(diagnosisSchema).min(1, { message: 'a claim needs at least one diagnosis' }).max(25, { message: 'at most 25 diagnoses' }),
    /** Admitting diagnosis (inpatient). */
    admittingDiagnosis: codeText(8).optional(),
    /** Patient's reason for visit (outpatient facility), up to three. */
    reasonForVisit: z.array(codeText(8)).max(3).optional(),
    /** ICD-10-PCS procedures (inpatient), principal first. */
    procedures: z.array(icdProcedureSchema).max(25).default([]),
    lines: z.array(lineSchema).max(450, { message: 'at most 450 lines' }).default([]),
    /** Total charge in dollars; when given it must equal the sum of the line charges. */
    totalCharge: z.number().nonnegative().optional(),
    /** 10 (default) for ICD-10-CM/PCS codes, 9 for ICD-9-CM claims (older files; 837 HI qualifiers BK/BF instead of ABK/ABF). */
    icdVersion: z.enum(['9', '10']).optional(),
    /** Claim indicators (837 CLM06-CLM12, CLM20; CMS-1500 boxes 10, 12, 13, 27, 31). */
    indicators: z
      .object({
        /** Provider or supplier signature on file (CLM06; box 31). */
        providerSignature: z.boolean().optional(),
        /** Assignment or plan participation (837P CLM07): A assigned, B lab services only, C not assigned (box 27). */
        assignment: z.enum(['A', 'B', 'C']).optional(),
        /** Benefits assigned to the provider (CLM08; box 13): Y, N, or W not applicable. */
        benefitsAssigned: z.enum(['Y', 'N', 'W']).optional(),
        /** Release of information (CLM09; box 12): Y signed, I informed consent only. */
        releaseOfInformation: z.enum(['Y', 'I']).optional(),
        /** Patient signature source (837P CLM10): P signature generated by the provider. */
        patientSignatureSource: z.string().trim().max(1).optional(),
        /** Related causes (837P CLM11; box 10): AA auto accident, EM employment, OA other accident. */
        relatedCauses: z.array(z.enum(['AA', 'EM', 'OA'])).max(3).optional(),
        /** State (and country, when not US) of an auto accident. */
        accidentState: z.string().trim().max(2).optional(),
        accidentCountry: z.string().trim().max(3).optional(),
        /** Special program (837P CLM12), e.g. 03 special federal funding. */
        specialProgram: z.string().trim().max(3).optional(),
        /** Delay reason (CLM20) for a claim filed late. */
        delayReason: z.string().trim().max(2).optional(),
      })
      .optional(),
    /**
     * Other claim dates with their 837 DTP / CMS-1500 qualifier: 431 onset, 484 last menstrual period
     * (box 14), 454 initial treatment, 304 last seen, 453 acute manifestation, 439 accident, 455 last x-ray
     * (box 15), 360/361 disability, 297/296 work (box 16), 090/091 assumed/relinquished care.
     */
    dates: z
      .array(z.object({ qualifier: z.string().trim().regex(/^\d{3}$/, { message: 'a date qualifier has three digits' }), date: isoDate, to: isoDate.optional() }))
      .optional(),
    /** Prior authorization number (837 REF*G1; CMS-1500 box 23; UB-04 FL 63). */
    priorAuthorization: z.string().trim().max(50).optional(),
    /** Referral number (837 REF*9F; CMS-1500 box 23). */
    referralNumber: z.string().trim().max(50).optional(),
    /** External cause of injury codes (837I HI ABN; UB-04 FL 72). Professional claims list them among `diagnoses`. */
    externalCauses: z.array(diagnosisSchema).max(12).optional(),
    /** Institutional claim codes (837I CL1 and HI BG/BH/BI/BE; UB-04 FL 14-15, 17, 18-28, 31-41). */
    facilityCodes: z
      .object({
        /** Admission type and source when the claim has no admission date to carry them (outpatient facility claims). */
        admissionType: z.string().trim().max(1).optional(),
        admissionSource: z.string().trim().max(1).optional(),
        /** Patient status when the claim has no discharge date to carry it (UB-04 FL 17). */
        patientStatus: z.string().trim().max(2).optional(),
        conditionCodes: z.array(z.string().trim().min(1).max(2)).max(24).optional(),
        occurrences: z.array(z.object({ code: z.string().trim().min(1).max(2), date: isoDate })).max(24).optional(),
        occurrenceSpans: z.array(z.object({ code: z.string().trim().min(1).max(2), from: isoDate, to: isoDate })).max(24).optional(),
        values: z.array(z.object({ code: z.string().trim().min(1).max(2), amount: z.number() })).max(24).optional(),
      })
      .optional(),
    /**
     * X12 segments read from an 837 file that the model does not hold (coordination of benefits, repricing,
     * ambulance and equipment certifications, secondary ids, …), each with the loop it came from
     * (`2300`, `2400[0]/2430[1]`, `2320[0]/2330B`), so that a read file writes back unchanged.
     */
    x12: z
      .object({
        segments: z.array(z.object({ loop: z.string(), segment: z.array(z.union([z.string(), z.array(z.string())])).min(1) })),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.setting !== 'inpatient' && c.lines.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: `a ${c.setting} claim needs at least one line` });
    }
    if (c.setting === 'inpatient' && !c.admission) {
      ctx.addIssue({ code: 'custom', path: ['admission'], message: 'an inpatient claim needs an admission date' });
    }
    if (c.setting !== 'inpatient') {
      c.diagnoses.forEach((d, i) => {
        if (d.poa) ctx.addIssue({ code: 'custom', path: ['diagnoses', i, 'poa'], message: 'present-on-admission indicators belong to inpatient claims only' });
      });
      if (c.procedures.length) ctx.addIssue({ code: 'custom', path: ['procedures'], message: 'ICD-10-PCS procedures belong to inpatient claims only' });
    }
    if (c.admission && c.discharge && c.discharge.date < c.admission.date) {
      ctx.addIssue({ code: 'custom', path: ['discharge', 'date'], message: 'the discharge date is before the admission date' });
    }
    if (c.serviceDates && c.serviceDates.to < c.serviceDates.from) {
      ctx.addIssue({ code: 'custom', path: ['serviceDates', 'to'], message: 'the statement period ends before it begins' });
    }
    c.lines.forEach((l, i) => {
      if (!l.code && (c.setting === 'professional' || !l.revenueCode)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'code'], message: c.setting === 'professional' ? 'a professional line needs a procedure code' : 'a line needs a procedure code or a revenue code' });
      }
      if (l.dateTo && l.dateTo < l.date) ctx.addIssue({ code: 'custom', path: ['lines', i, 'dateTo'], message: 'the line ends before it begins' });
      if (l.date < c.patient.birthDate) ctx.addIssue({ code: 'custom', path: ['lines', i, 'date'], message: 'the date of service is before the patient\'s birth date' });
      l.diagnosisPointers.forEach((p, j) => {
        if (p > c.diagnoses.length) {
          ctx.addIssue({ code: 'custom', path: ['lines', i, 'diagnosisPointers', j], message: `points to diagnosis ${p}, but the claim has ${c.diagnoses.length}` });
        }
      });
      if (new Set(l.diagnosisPointers).size !== l.diagnosisPointers.length) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'diagnosisPointers'], message: 'a diagnosis is pointed to twice' });
      }
      if (c.setting === 'professional' && l.diagnosisPointers.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'diagnosisPointers'], message: 'a professional line needs at least one diagnosis pointer' });
      }
    });
    c.procedures.forEach((p, i) => {
      if (p.date < c.patient.birthDate) ctx.addIssue({ code: 'custom', path: ['procedures', i, 'date'], message: 'the procedure date is before the patient\'s birth date' });
    });
    if (c.totalCharge !== undefined && c.lines.every((l) => l.charge !== undefined)) {
      const sum = c.lines.reduce((s, l) => s + (l.charge ?? 0), 0);
      if (Math.abs(sum - c.totalCharge) > 0.005) {
        ctx.addIssue({ code: 'custom', path: ['totalCharge'], message: `the total charge ${c.totalCharge.toFixed(2)} is not the sum of the line charges (${sum.toFixed(2)})` });
      }
    }
  });

/** A claim as written by its sender (before defaults are applied). */
export type ClaimInput = z.input<typeof claimSchema>;
/** A validated claim: codes upper case and trimmed, defaults filled in. */
export type Claim = z.output<typeof claimSchema>;

// -------------------------------------------------------------------- parse

/** One problem with a claim, at a field path such as `lines[2].units`. */
export interface ClaimIssue {
  path: string;
  message: string;
}

/** `lines.2.units` → `lines[2].units` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(claim)';
}

function issuesOf(error: z.ZodError): ClaimIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export type ClaimParseResult = { ok: true; claim: Claim } | { ok: false; issues: ClaimIssue[] };

/** Claims this process has validated, so a claim checked once is not checked again. */
const validated = new WeakSet<object>();

/** Was this object returned by parseClaim / safeParseClaim (and so needs no second validation)? */
export function isParsedClaim(input: unknown): input is Claim {
  return typeof input === 'object' && input !== null && validated.has(input);
}

/** Validate a claim without throwing. */
export function safeParseClaim(input: unknown): ClaimParseResult {
  if (isParsedClaim(input)) return { ok: true, claim: input };
  const r = claimSchema.safeParse(input);
  if (!r.success) return { ok: false, issues: issuesOf(r.error) };
  validated.add(r.data);
  return { ok: true, claim: r.data };
}

/**
 * Validate a claim. Throws MedcoderError INVALID_CLAIM whose message names
 * the first problems by field path and whose details list them all.
 */
export function parseClaim(input: unknown): Claim {
  const r = safeParseClaim(input);
  if (r.ok) return r.claim;
  const shown = r.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = r.issues.length > 3 ? ` (and ${r.issues.length - 3} more)` : '';
  throw new MedcoderError('INVALID_CLAIM', `the claim is not valid: ${shown}${more}`, { issues: r.issues });
}

// ------------------------------------------------------------------ helpers

/** The claim's first and last dates of service (statement period, else line dates, else admission/discharge). */
export function claimSpan(c: Claim): { from: string; to: string } {
  if (c.serviceDates) return c.serviceDates;
  let from = '';
  let to = '';
  const see = (d: string | undefined) => {
    if (!d) return;
    if (!from || d < from) from = d;
    if (!to || d > to) to = d;
  };
  for (const l of c.lines) {
    see(l.date);
    see(l.dateTo);
  }
  for (const p of c.procedures) see(p.date);
  see(c.admission?.date);
  see(c.discharge?.date);
  return { from, to: to || from };
}

/**
 * The date the claim's diagnoses are coded for: the discharge date for an
 * inpatient stay (the ICD-10-CM release in force at discharge applies), else
 * the first date of service.
 */
export function diagnosisDate(c: Claim): string {
  if (c.setting === 'inpatient') return c.discharge?.date ?? c.serviceDates?.to ?? c.admission!.date;
  return claimSpan(c).from;
}

/** Age in whole years on a date. */
export function ageOn(birthDate: string, date: string): number {
  const age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  // Month and day compare as text: MM-DD sorts like the date.
  return date.slice(5, 10) < birthDate.slice(5, 10) ? age - 1 : age;
}
