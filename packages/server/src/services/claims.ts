/**
 * Claim output of a finalized encounter: the claim is built from the coder's
 * final codes (diagnoses in sequence with POA on a stay, ICD-10-PCS
 * procedures, CPT/HCPCS service lines) and the encounter's claim details
 * (billing provider, subscriber, payer ids, charges), checked by the engine's
 * 837 pre-flight, and written as X12 837P/837I or the CMS-1500 PDF. What is
 * missing comes back as problem+json naming each claim field.
 */
import { cms1500Pdf, generate837, guideFor, preflight, type ClaimInput, type PreflightIssue, type PreflightResult, type X12Guide } from '@medcoder/engine';
import type { AppContext } from '../context.js';
import type { Encounter, Setting } from '../db/schema.js';
import { HttpProblem } from '../errors.js';
import type { ClaimDataIn } from '../api/schemas.js';
import { encounterRow } from './encounters.js';

/** The claim setting of an encounter setting: professional claims go on an 837P/CMS-1500, the others on an 837I. */
const CLAIM_SETTING: Record<Setting, ClaimInput['setting']> = {
  professional: 'professional',
  outpatient: 'outpatient-facility',
  emergency: 'outpatient-facility',
  inpatient: 'inpatient',
};

function splitName(name: string): { last: string; first?: string } {
  const comma = name.indexOf(',');
  if (comma > 0) return { last: name.slice(0, comma).trim(), first: name.slice(comma + 1).trim() || undefined } as { last: string; first?: string };
  const parts = name.trim().split(/\s+/);
  if (parts.length === 1) return { last: parts[0]! };
  return { last: parts[parts.length - 1]!, first: parts.slice(0, -1).join(' ') };
}

export interface EncounterClaim {
  encounter: Encounter;
  claim: ClaimInput;
  guide: X12Guide;
  preflight: PreflightResult;
}

/** The claim of a finalized encounter, with its 837 pre-flight (409 when the encounter is not finalized). */
export async function encounterClaim(ctx: AppContext, id: number): Promise<EncounterClaim> {
  const enc = await encounterRow(ctx, id);
  if (enc.status !== 'finalized') {
    throw new HttpProblem(409, 'Not finalized', `encounter ${id} is ${enc.status.replace('_', ' ')}; claims are written for finalized encounters only`, { code: 'NOT_FINALIZED', field: 'params.id', status: enc.status });
  }
  const k = ctx.db.kysely;
  const [patient, codes] = await Promise.all([
    k.selectFrom('patients').selectAll().where('id', '=', enc.patient_id).executeTakeFirstOrThrow(),
    k.selectFrom('final_codes').selectAll().where('encounter_id', '=', id).orderBy('sequence').orderBy('id').execute(),
  ]);
  const data = (enc.claim_data ? JSON.parse(enc.claim_data) : {}) as ClaimDataIn;
  const setting = CLAIM_SETTING[enc.setting];
  const inpatient = setting === 'inpatient';
  const dx = codes.filter((c) => c.system === 'icd10cm');
  const pointers = dx.slice(0, 4).map((_, i) => i + 1);
  const lines: Array<Record<string, unknown>> = codes
    .filter((c) => c.system === 'cpt' || c.system === 'hcpcs')
    .map((c) => ({
      system: c.system as 'cpt' | 'hcpcs', code: c.code, units: 1, date: enc.service_from, diagnosisPointers: pointers,
      ...(data.charges?.[c.code] !== undefined ? { charge: data.charges[c.code] } : {}),
      ...(data.revenueCodes?.[c.code] ? { revenueCode: data.revenueCodes[c.code] } : {}),
    }));
  for (const l of setting === 'professional' ? [] : (data.facilityLines ?? [])) {
    lines.push({ revenueCode: l.revenueCode, units: l.units, ...(l.unitType ? { unitType: l.unitType } : {}), ...(l.charge !== undefined ? { charge: l.charge } : {}), date: enc.service_from, ...(enc.service_to > enc.service_from ? { dateTo: enc.service_to } : {}) });
  }
  const claim = {
    id: enc.external_id ?? `ENC${enc.id}`,
    setting,
    ...(data.placeOfService ? { placeOfService: data.placeOfService } : {}),
    ...(data.typeOfBill ? { typeOfBill: data.typeOfBill } : {}),
    serviceDates: { from: enc.service_from, to: enc.service_to },
    ...(inpatient ? { admission: { date: enc.service_from, ...data.admission }, discharge: { date: enc.service_to, ...data.discharge } } : {}),
    patient: {
      name: data.patient?.name ?? splitName(patient.name),
      ...(patient.birth_date ? { birthDate: patient.birth_date } : {}),
      ...(patient.sex ? { sex: patient.sex } : {}),
      ...(data.patient?.address ? { address: data.patient.address } : {}),
      medicalRecordNumber: patient.mrn,
    },
    ...(data.subscriber ? { subscriber: data.subscriber } : {}),
    ...(data.payer || enc.payer ? { payer: { ...(enc.payer ? { name: enc.payer } : {}), ...data.payer } } : {}),
    providers: data.providers ?? {},
    diagnoses: dx.map((c) => ({ code: c.code, ...(inpatient && c.poa ? { poa: c.poa } : {}) })),
    procedures: inpatient ? codes.filter((c) => c.system === 'icd10pcs').map((c) => ({ code: c.code, date: enc.service_from })) : [],
    lines,
    ...(data.indicators ? { indicators: data.indicators } : {}),
  } as unknown as ClaimInput;
  const guide = guideFor({ setting });
  return { encounter: enc, claim, guide, preflight: preflight(claim, { guide }) };
}

/** 422 naming every claim field pre-flight found missing or wrong. */
function notReady(id: number, what: string, issues: PreflightIssue[]): HttpProblem {
  const errors = issues.filter((i) => i.severity === 'error').map((i) => ({ field: `claim.${i.path}`, message: i.message, rule: i.rule }));
  return new HttpProblem(422, 'Claim not ready', `the ${what} of encounter ${id} cannot be written: ${errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`, {
    code: 'CLAIM_NOT_READY', field: errors[0]?.field, errors,
  });
}

/** The X12 envelope: sender and receiver ids from the environment, else the billing NPI and the payer id. */
function envelope(ec: EncounterClaim) {
  const c = ec.preflight.claim!;
  const billing = c.providers.billing!;
  const billingName = billing.entity === 'organization' ? billing.organizationName! : `${billing.name?.first ?? ''} ${billing.name?.last ?? ''}`.trim();
  const env = process.env;
  return {
    sender: { id: env['MEDCODER_X12_SENDER_ID'] ?? billing.npi ?? 'MEDCODER' },
    receiver: { id: env['MEDCODER_X12_RECEIVER_ID'] ?? c.payer?.payerId ?? 'PAYER' },
    submitter: { name: env['MEDCODER_X12_SUBMITTER_NAME'] ?? billingName, id: env['MEDCODER_X12_SUBMITTER_ID'] ?? billing.npi ?? 'MEDCODER', ...(billing.phone ? { phone: billing.phone.replace(/\D/g, '') } : {}) },
    receiverName: env['MEDCODER_X12_RECEIVER_NAME'] ?? c.payer?.name ?? 'PAYER',
    usage: (env['MEDCODER_X12_USAGE'] === 'P' ? 'P' : 'T') as 'P' | 'T',
    interchangeControlNumber: ec.encounter.id % 1_000_000_000,
    groupControlNumber: ec.encounter.id % 1_000_000_000,
    transactionControlNumber: ec.encounter.id % 1_000_000_000,
  };
}

/** The X12 837P (professional) or 837I (institutional) file of a finalized encounter. */
export async function encounter837(ctx: AppContext, id: number): Promise<{ text: string; guide: X12Guide; fileName: string }> {
  const ec = await encounterClaim(ctx, id);
  if (!ec.preflight.ok) throw notReady(id, ec.guide, ec.preflight.issues);
  const g = generate837([ec.claim], ec.guide, envelope(ec));
  return { text: g.text, guide: ec.guide, fileName: `encounter-${id}-${ec.guide}.x12` };
}

/** The CMS-1500 paper claim (PDF) of a finalized professional encounter. */
export async function encounterCms1500(ctx: AppContext, id: number): Promise<{ pdf: Buffer; fileName: string }> {
  const ec = await encounterClaim(ctx, id);
  if (ec.guide !== '837P') {
    throw new HttpProblem(422, 'Not a professional claim', `encounter ${id} is ${ec.encounter.setting}: it is billed on an institutional claim (837I / UB-04), not the CMS-1500`, { code: 'NOT_PROFESSIONAL', field: 'params.id' });
  }
  if (!ec.preflight.ok) throw notReady(id, 'CMS-1500', ec.preflight.issues);
  return { pdf: await cms1500Pdf(ec.preflight.claim!), fileName: `encounter-${id}-cms1500.pdf` };
}

/** Which claim forms an encounter can have and what stops them (for the encounter view). */
export async function claimReadiness(ctx: AppContext, id: number) {
  const ec = await encounterClaim(ctx, id);
  const issues = ec.preflight.issues.map((i) => ({ field: `claim.${i.path}`, message: i.message, severity: i.severity, rule: i.rule }));
  return { guide: ec.guide, ready: ec.preflight.ok, cms1500: ec.guide === '837P', issues };
}
