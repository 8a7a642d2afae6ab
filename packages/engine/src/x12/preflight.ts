/**
 * Pre-flight: everything an 837 (or a CMS-1500) needs, checked before a file
 * is built, each problem named by its claim path. The claim schema's own
 * checks come first (code shapes, NPI check digits, pointers, sums); then the
 * implementation guides' requirements (billing provider with NPI, tax id and
 * a ZIP+4 street address; subscriber, payer and patient details; place of
 * service or type of bill; line charges and dates) and the payer's options.
 * The layout decisions the payer options lead to are reported too.
 */
import { safeParseClaim, type Claim, type ClaimInput, type Provider } from '../claims/model.js';
import { MedcoderError } from '../errors.js';
import { writeRendering, writeServiceFacility } from './claim-common.js';
import { x12Codes } from './codes.js';
import type { Guide } from './loops.js';
import { npiProblem } from './npi.js';
import { payerOptions, type PayerOptions } from './payer-options.js';

export interface PreflightIssue {
  /** Claim path, e.g. `providers.billing.address.postalCode` or `lines[2].charge`. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Short rule name, stable for callers (e.g. `billing-zip4`). */
  rule: string;
}

export interface PreflightResult {
  ok: boolean;
  guide: Guide;
  issues: PreflightIssue[];
  /** The validated claim (defaults filled in) when the schema accepted it. */
  claim?: Claim;
  /** Loops the payer options leave out or put in. */
  layout: { loop: string; written: boolean; reason: string }[];
}

export interface PreflightOptions {
  /** 837P or 837I; by default from the claim's setting. */
  guide?: Guide;
  /** Payer option overrides on top of data/x12/payer-options.json. */
  payerOptions?: Partial<PayerOptions>;
  /** Dates of service after this date are refused (default today). */
  today?: string;
}

/** The guide a claim is written with: 837P for professional claims, 837I otherwise. */
export function guideFor(c: { setting: string }): Guide {
  return c.setting === 'professional' ? '837P' : '837I';
}

const DELIMITERS = /[*~:^]/;

function scanText(value: unknown, at: (string | number)[], out: PreflightIssue[]): void {
  if (typeof value === 'string') {
    if (DELIMITERS.test(value)) {
      const path = at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
      out.push({ path, message: `contains a character X12 uses as a delimiter (* ~ : ^): "${value}"`, severity: 'error', rule: 'delimiter' });
    }
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      scanText(value[i], at, out);
      at.pop();
    }
  } else if (value && typeof value === 'object') {
    for (const k in value) {
      if (k === 'x12') continue;
      at.push(k);
      scanText((value as Record<string, unknown>)[k], at, out);
      at.pop();
    }
  }
}

/** Run every pre-flight rule on a claim (as written by its sender, or as parsed). */
export function preflight(input: ClaimInput | Claim, options: PreflightOptions = {}): PreflightResult {
  const issues: PreflightIssue[] = [];
  const err = (path: string, message: string, rule: string) => issues.push({ path, message, severity: 'error', rule });
  const warn = (path: string, message: string, rule: string) => issues.push({ path, message, severity: 'warning', rule });

  const parsed = safeParseClaim(input);
  const raw = input as Claim;
  const guide = options.guide ?? guideFor(raw);
  if (!parsed.ok) for (const i of parsed.issues) err(i.path, i.message, 'schema');
  // Go on with the sender's claim when the schema refused it, so every missing item is listed at once.
  const c: Claim = parsed.ok ? parsed.claim : raw;
  const layout: PreflightResult['layout'] = [];
  const o = payerOptions(c.payer?.payerId, options.payerOptions);
  const today = options.today ?? new Date().toISOString().slice(0, 10);

  if (guide === '837P' && c.setting !== 'professional') err('setting', `an 837P carries professional claims; this claim is ${c.setting} (use 837I)`, 'guide');
  if (guide === '837I' && c.setting === 'professional') err('setting', 'an 837I carries institutional claims; this claim is professional (use 837P)', 'guide');

  // Billing provider (2010AA).
  const b = c.providers?.billing;
  if (!b) err('providers.billing', 'the billing provider is missing', 'billing');
  else {
    if (!b.npi) err('providers.billing.npi', 'the billing provider needs an NPI', 'billing-npi');
    if (!b.taxId) err('providers.billing.taxId', 'the billing provider needs a tax id (EIN or SSN)', 'billing-tax-id');
    if (!b.address) err('providers.billing.address', 'the billing provider needs an address', 'billing-address');
    else {
      if (!/^\d{9}$/.test(b.address.postalCode.replace('-', ''))) {
        err('providers.billing.address.postalCode', `the billing provider's ZIP code needs all 9 digits (ZIP+4), got "${b.address.postalCode}"`, 'billing-zip4');
      }
      if (/\b(P\.?\s*O\.?\s*BOX|POST OFFICE BOX|LOCK\s*BOX)\b/i.test(`${b.address.line1} ${b.address.line2 ?? ''}`)) {
        err('providers.billing.address.line1', 'the billing provider address must be a street address, not a post office or lock box', 'billing-street');
      }
    }
  }
  checkNpis(c, err);

  // Subscriber, payer, patient (2000B, 2010BA, 2010BB, 2000C).
  const s = c.subscriber;
  if (!s) err('subscriber', 'the subscriber (insured) is missing', 'subscriber');
  else {
    if (!s.memberId) err('subscriber.memberId', 'the subscriber needs a member id', 'subscriber-id');
    if (!s.name?.last) err('subscriber.name.last', 'the subscriber needs a last name', 'subscriber-name');
  }
  const self = (s?.relationship ?? 'self') === 'self';
  const p = c.payer;
  if (!p) err('payer', 'the payer is missing', 'payer');
  else {
    if (!p.payerId) err('payer.payerId', 'the payer needs a payer id (2010BB NM109)', 'payer-id');
    if (!p.filingIndicator) err('payer.filingIndicator', 'the claim filing indicator (SBR09: MB, MA, MC, CI, …) is missing', 'filing-indicator');
  }
  if (!c.patient?.name?.last) err('patient.name.last', 'the patient needs a last name', 'patient-name');
  if (!(self ? s?.address ?? c.patient?.address : c.patient?.address)) {
    err(self ? 'patient.address' : 'patient.address', self ? 'the subscriber (who is the patient) needs an address' : 'the patient needs an address', 'patient-address');
  }
  if (!self && s?.relationship && !x12Codes().relationship[s.relationship]) err('subscriber.relationship', `no X12 code for relationship ${s.relationship}`, 'relationship');

  // Claim level.
  const diagnoses = c.diagnoses ?? [];
  if (diagnoses.length === 0) err('diagnoses', 'the claim needs at least one diagnosis', 'diagnosis');
  const maxDx = x12Codes().limits[guide].diagnoses ?? 12;
  if (diagnoses.length > maxDx) err('diagnoses', `an ${guide} holds at most ${maxDx} diagnoses, the claim has ${diagnoses.length}`, 'diagnosis-count');
  const lines = c.lines ?? [];
  if (guide === '837P') {
    if (!c.placeOfService) err('placeOfService', 'the claim needs a place of service (CLM05-1)', 'place-of-service');
  } else {
    if (!c.typeOfBill) err('typeOfBill', 'an institutional claim needs a type of bill (CLM05)', 'type-of-bill');
    const status = c.discharge?.status ?? c.facilityCodes?.patientStatus;
    if (!status) err(c.setting === 'inpatient' ? 'discharge.status' : 'facilityCodes.patientStatus', 'an institutional claim needs the patient status (CL103)', 'patient-status');
    if (c.setting === 'inpatient') {
      if (!(c.admission?.type ?? c.facilityCodes?.admissionType)) err('admission.type', 'an inpatient claim needs the admission type (CL101)', 'admission-type');
      if (!c.serviceDates) err('serviceDates', 'an inpatient claim needs its statement period (DTP*434)', 'statement-dates');
    }
    if (!c.serviceDates && lines.length === 0) err('serviceDates', 'the statement period cannot be told without lines', 'statement-dates');
    if (!c.providers?.attending) err('providers.attending', 'an institutional claim needs the attending provider (loop 2310A)', 'attending');
  }
  if (lines.length === 0) err('lines', 'the claim needs at least one service line', 'lines');
  lines.forEach((l, i) => {
    const at = `lines[${i}]`;
    if (l.charge === undefined) err(`${at}.charge`, 'the line needs a charge', 'line-charge');
    if (!l.date) err(`${at}.date`, 'the line needs a date of service', 'line-date');
    else if (l.date > today) err(`${at}.date`, `the date of service ${l.date} is in the future`, 'line-date-future');
    if (guide === '837P') {
      if (!l.code) err(`${at}.code`, 'a professional line needs a CPT or HCPCS code', 'line-code');
      if (!l.diagnosisPointers?.length) err(`${at}.diagnosisPointers`, 'the line needs at least one diagnosis pointer', 'pointer');
      l.diagnosisPointers?.forEach((ptr, j) => {
        if (ptr < 1 || ptr > Math.min(diagnoses.length, 12)) err(`${at}.diagnosisPointers[${j}]`, `points to diagnosis ${ptr}, but the claim has ${diagnoses.length}`, 'pointer-range');
      });
    } else if (!l.revenueCode) err(`${at}.revenueCode`, 'an institutional line needs a revenue code', 'revenue-code');
    if (l.units === undefined || !(l.units > 0)) err(`${at}.units`, 'the line needs units above 0', 'units');
  });
  const total = lines.reduce((sum, l) => sum + (l.charge ?? 0), 0);
  if (c.totalCharge !== undefined && Math.abs(total - c.totalCharge) > 0.005 && lines.every((l) => l.charge !== undefined)) {
    err('totalCharge', `the total charge ${c.totalCharge.toFixed(2)} is not the sum of the line charges (${total.toFixed(2)})`, 'total');
  }

  // Payer options.
  if (o.requireReferringProvider && !c.providers?.referring) err('providers.referring', `payer ${p?.payerId ?? ''} rejects claims without a referring provider`.replace('  ', ' '), 'referring-required');
  if (o.requireRenderingTaxonomy && c.providers?.rendering && !c.providers.rendering.taxonomy) {
    err('providers.rendering.taxonomy', 'the payer wants the rendering provider\'s taxonomy code', 'rendering-taxonomy');
  }
  if (c.providers?.serviceFacility) {
    const written = writeServiceFacility(c, o);
    layout.push({
      loop: guide === '837P' ? '2310C' : '2310E',
      written,
      reason: written ? (o.serviceFacility === 'always' ? 'the payer wants the service facility always' : 'the service facility differs from the billing provider') : 'the service facility is the billing provider (same NPI and address): left out',
    });
  }
  if (c.providers?.rendering) {
    const written = writeRendering(c, o);
    layout.push({
      loop: guide === '837P' ? '2310B' : '2310D',
      written,
      reason: written ? (o.renderingProvider === 'always' ? 'the payer wants the rendering provider always' : 'the rendering provider differs from the billing provider') : 'the rendering provider has the billing provider\'s NPI: left out',
    });
  }
  if (guide === '837P' && !c.providers?.referring) warn('providers.referring', 'no referring provider: payers reject specialist and referred services without one', 'referring-missing');

  scanText(input, [], issues);
  // An NPI with a bad check digit is named once, with the digit it should have.
  const npiPaths = new Set(issues.filter((i) => i.rule === 'npi').map((i) => i.path));
  for (let i = issues.length - 1; i >= 0; i--) if (issues[i]!.rule === 'schema' && npiPaths.has(issues[i]!.path)) issues.splice(i, 1);
  const ok = !issues.some((i) => i.severity === 'error');
  return { ok, guide, issues, layout, ...(parsed.ok ? { claim: parsed.claim } : {}) };
}

function checkNpis(c: Claim, err: (path: string, message: string, rule: string) => void): void {
  const check = (prov: Provider | undefined, path: string) => {
    if (!prov?.npi) return;
    const problem = npiProblem(prov.npi);
    if (problem) err(`${path}.npi`, problem, 'npi');
  };
  for (const [role, prov] of Object.entries(c.providers ?? {})) check(prov as Provider, `providers.${role}`);
  (c.lines ?? []).forEach((l, i) => check(l.renderingProvider, `lines[${i}].renderingProvider`));
}

/** Throw CLAIM_NOT_READY naming the first problems when pre-flight finds errors. */
export function assertReady(r: PreflightResult, id = ''): void {
  if (r.ok) return;
  const errors = r.issues.filter((i) => i.severity === 'error');
  const shown = errors.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  throw new MedcoderError('CLAIM_NOT_READY', `claim ${id || '(no id)'} is not ready for ${r.guide}: ${shown}${more}`, { issues: r.issues });
}

