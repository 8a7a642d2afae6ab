import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ClaimInput } from '../claims/model.js';
import { isMedcoderError } from '../errors.js';
import { fixturePath } from '../testing/x12-examples.js';
import { npiCheckDigit, npiProblem } from './npi.js';
import { assertReady, preflight, type PreflightIssue } from './preflight.js';

type Mutable = Record<string, any>;

function fixture(name: string): Mutable {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as Mutable;
}

const TODAY = '2026-11-25';

function errors(c: Mutable, opts: Parameters<typeof preflight>[1] = {}): PreflightIssue[] {
  return preflight(c as ClaimInput, { today: TODAY, ...opts }).issues.filter((i) => i.severity === 'error');
}

/** Exactly one rule fires, at the expected path. */
function expectOnly(c: Mutable, rule: string, path: string, opts: Parameters<typeof preflight>[1] = {}): PreflightIssue {
  const e = errors(c, opts);
  const hit = e.find((i) => i.rule === rule || (rule === 'schema' && i.rule === 'schema'));
  assert.ok(hit, `no ${rule} error; got ${JSON.stringify(e)}`);
  assert.equal(hit.path, path);
  return hit;
}

test('the four fixtures are ready (only a warning about the referring provider where there is none)', () => {
  for (const name of ['office-visit', 'multi-line', 'inpatient', 'outpatient-facility']) {
    const r = preflight(fixture(name) as ClaimInput, { today: TODAY });
    assert.ok(r.ok, `${name}: ${JSON.stringify(r.issues)}`);
    assert.ok(r.issues.every((i) => i.severity === 'warning'));
  }
  assert.deepEqual(preflight(fixture('office-visit') as ClaimInput, { today: TODAY }).issues.map((i) => i.rule), ['referring-missing']);
});

test('NPI check digit: Luhn with the 80840 prefix', () => {
  assert.equal(npiCheckDigit('123456789'), 3);
  assert.equal(npiProblem('1234567893'), undefined);
  assert.match(npiProblem('1234567890')!, /should be 3/);
  assert.match(npiProblem('12345')!, /10 digits/);
  const c = fixture('office-visit');
  c.providers.rendering.npi = '1287654300';
  const hit = expectOnly(c, 'npi', 'providers.rendering.npi');
  assert.match(hit.message, /should be 9/);
  // Said once, not also by the schema.
  assert.equal(errors(c).filter((i) => i.path === 'providers.rendering.npi').length, 1);
  const l = fixture('multi-line');
  l.lines[0].renderingProvider = { entity: 'person', name: { last: 'Lee' }, npi: '1111111111' };
  expectOnly(l, 'npi', 'lines[0].renderingProvider.npi');
});

test('billing provider: NPI, tax id, address, ZIP+4 and a street address', () => {
  let c = fixture('office-visit');
  delete c.providers.billing.npi;
  expectOnly(c, 'billing-npi', 'providers.billing.npi');
  c = fixture('office-visit');
  delete c.providers.billing.taxId;
  expectOnly(c, 'billing-tax-id', 'providers.billing.taxId');
  c = fixture('office-visit');
  c.providers.billing.address.postalCode = '62703';
  const zip = expectOnly(c, 'billing-zip4', 'providers.billing.address.postalCode');
  assert.match(zip.message, /ZIP\+4/);
  c = fixture('office-visit');
  c.providers.billing.address.line1 = 'P.O. Box 77';
  expectOnly(c, 'billing-street', 'providers.billing.address.line1');
  c = fixture('office-visit');
  delete c.providers.billing;
  expectOnly(c, 'billing', 'providers.billing');
});

test('dates: not a calendar date, in the future, before birth', () => {
  let c = fixture('office-visit');
  c.lines[0].date = '2026-02-30';
  expectOnly(c, 'schema', 'lines[0].date');
  c = fixture('office-visit');
  c.lines[0].date = '2026-12-24';
  expectOnly(c, 'line-date-future', 'lines[0].date');
  c = fixture('multi-line');
  c.lines[2].date = '2014-01-01';
  const e = errors(c);
  assert.ok(e.some((i) => i.path === 'lines[2].date' && /birth/.test(i.message)));
});

test('diagnosis pointers in range, at least one diagnosis, at most 12 on an 837P', () => {
  let c = fixture('office-visit');
  c.lines[0].diagnosisPointers = [1, 3];
  assert.ok(errors(c).some((i) => i.path === 'lines[0].diagnosisPointers[1]'));
  c = fixture('office-visit');
  c.lines[0].diagnosisPointers = [];
  assert.ok(errors(c).some((i) => i.path === 'lines[0].diagnosisPointers'));
  c = fixture('office-visit');
  c.diagnoses = [];
  assert.ok(errors(c).some((i) => i.path === 'diagnoses' && /at least one diagnosis/.test(i.message)));
  c = fixture('office-visit');
  c.diagnoses = Array.from({ length: 13 }, (_, i) => ({ code: `J0${i % 10}.9` }));
  expectOnly(c, 'diagnosis-count', 'diagnoses');
});

test('subscriber, payer and patient details', () => {
  let c = fixture('office-visit');
  delete c.payer.payerId;
  expectOnly(c, 'payer-id', 'payer.payerId');
  c = fixture('office-visit');
  delete c.payer.filingIndicator;
  expectOnly(c, 'filing-indicator', 'payer.filingIndicator');
  c = fixture('office-visit');
  delete c.subscriber;
  expectOnly(c, 'subscriber', 'subscriber');
  c = fixture('multi-line');
  delete c.patient.address;
  expectOnly(c, 'patient-address', 'patient.address');
});

test('claim and line requirements of the guides', () => {
  let c = fixture('office-visit');
  delete c.placeOfService;
  expectOnly(c, 'place-of-service', 'placeOfService');
  c = fixture('office-visit');
  delete c.lines[0].charge;
  delete c.totalCharge;
  expectOnly(c, 'line-charge', 'lines[0].charge');
  c = fixture('outpatient-facility');
  delete c.typeOfBill;
  expectOnly(c, 'type-of-bill', 'typeOfBill');
  c = fixture('outpatient-facility');
  delete c.facilityCodes.patientStatus;
  expectOnly(c, 'patient-status', 'facilityCodes.patientStatus');
  c = fixture('outpatient-facility');
  delete c.lines[1].revenueCode;
  expectOnly(c, 'revenue-code', 'lines[1].revenueCode');
  c = fixture('inpatient');
  delete c.discharge.status;
  expectOnly(c, 'patient-status', 'discharge.status');
  c = fixture('inpatient');
  delete c.admission.type;
  expectOnly(c, 'admission-type', 'admission.type');
  c = fixture('outpatient-facility');
  delete c.providers.attending;
  expectOnly(c, 'attending', 'providers.attending');
  c = fixture('office-visit');
  c.totalCharge = 100;
  assert.ok(errors(c).some((i) => i.path === 'totalCharge'));
});

test('a value holding an X12 delimiter is refused', () => {
  const c = fixture('office-visit');
  c.patient.address.line1 = '418 Birch Lane ~ rear';
  expectOnly(c, 'delimiter', 'patient.address.line1');
});

test('payer options: a payer that wants a referring provider; a payer that wants the service facility always', () => {
  const c = fixture('office-visit');
  c.payer.payerId = 'REFERRAL-HMO';
  expectOnly(c, 'referring-required', 'providers.referring');
  const d = fixture('office-visit');
  assert.equal(preflight(d as ClaimInput, { today: TODAY }).layout.find((l) => l.loop === '2310C')?.written, false);
  d.payer.payerId = 'FACILITY-ALWAYS';
  const r = preflight(d as ClaimInput, { today: TODAY });
  assert.deepEqual(r.layout.find((l) => l.loop === '2310C'), { loop: '2310C', written: true, reason: 'the payer wants the service facility always' });
  const e = fixture('office-visit');
  e.providers.rendering.npi = e.providers.billing.npi;
  e.providers.rendering.entity = 'organization';
  e.providers.rendering.organizationName = 'Lakeside Family Medicine';
  assert.equal(preflight(e as ClaimInput, { today: TODAY }).layout.find((l) => l.loop === '2310B')?.written, false);
  assert.equal(preflight(e as ClaimInput, { today: TODAY, payerOptions: { renderingProvider: 'always' } }).layout.find((l) => l.loop === '2310B')?.written, true);
});

test('assertReady throws CLAIM_NOT_READY naming the paths', () => {
  const c = fixture('office-visit');
  c.providers.billing.address.postalCode = '62703';
  delete c.payer.payerId;
  const r = preflight(c as ClaimInput, { today: TODAY });
  assert.throws(() => assertReady(r, c.id), (e: unknown) => isMedcoderError(e) && e.code === 'CLAIM_NOT_READY' && /providers\.billing\.address\.postalCode/.test(e.message) && /payer\.payerId/.test(e.message));
});
