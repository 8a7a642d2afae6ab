import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, claimSpan, diagnosisDate, formatPath, npiCheckDigitOk, parseClaim, safeParseClaim, type ClaimInput } from './model.js';
import { isMedcoderError } from '../errors.js';

const professional: ClaimInput = {
  id: 'PCN-0001',
  setting: 'professional',
  placeOfService: '11',
  patient: { name: { last: 'Rivera', first: 'Ana' }, birthDate: '1950-04-12', sex: 'F' },
  subscriber: { memberId: '1EG4TE5MK73', name: { last: 'Rivera', first: 'Ana' } },
  payer: { name: 'Medicare Part B', payerId: '12345', filingIndicator: 'MB' },
  providers: {
    billing: { entity: 'organization', organizationName: 'Riverside Clinic', npi: '1234567893', taxId: { type: 'EIN', value: '12-3456789' } },
    rendering: { entity: 'person', name: { last: 'Okafor', first: 'Chidi' }, npi: '1245319599', taxonomy: '207q00000x' },
  },
  diagnoses: [{ code: 'e11.22' }, { code: 'N18.31' }],
  lines: [
    { code: '99214', units: 1, charge: 150, date: '2026-03-01', diagnosisPointers: [1, 2] },
    { code: '82043', units: 1, charge: 25, date: '2026-03-01', diagnosisPointers: [1] },
  ],
  totalCharge: 175,
};

test('a complete professional claim parses, with codes upper-cased and defaults filled in', () => {
  const c = parseClaim(professional);
  assert.equal(c.diagnoses[0]!.code, 'E11.22');
  assert.equal(c.frequencyCode, '1');
  assert.deepEqual(c.lines[0]!.modifiers, []);
  assert.equal(c.lines[0]!.unitType, 'UN');
  assert.equal(c.subscriber!.relationship, 'self');
  assert.equal(c.providers.rendering!.taxonomy, '207Q00000X');
  assert.equal(c.providers.billing!.taxId!.value, '123456789');
  assert.deepEqual(claimSpan(c), { from: '2026-03-01', to: '2026-03-01' });
  assert.equal(diagnosisDate(c), '2026-03-01');
});

test('errors name the field path and come as INVALID_CLAIM', () => {
  const bad = structuredClone(professional) as Record<string, any>;
  bad.lines[1].units = 0;
  bad.lines[1].diagnosisPointers = [3];
  bad.lines[0].modifiers = ['59', 'XS', 'RT', 'LT', '76'];
  bad.patient.birthDate = '1950-02-30';
  try {
    parseClaim(bad);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(isMedcoderError(e));
    assert.equal(e.code, 'INVALID_CLAIM');
    const issues = e.details.issues as Array<{ path: string; message: string }>;
    const paths = issues.map((i) => i.path);
    assert.ok(paths.includes('lines[1].units'), paths.join(', '));
    assert.ok(paths.includes('lines[0].modifiers'), paths.join(', '));
    assert.ok(paths.includes('patient.birthDate'), paths.join(', '));
    assert.match(e.message, /^the claim is not valid: /);
  }
  // Cross-field rules run once the fields themselves are well formed.
  const pointer = structuredClone(professional) as Record<string, any>;
  pointer.lines[1].diagnosisPointers = [3];
  const r = safeParseClaim(pointer);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(r.issues, [{ path: 'lines[1].diagnosisPointers[0]', message: 'points to diagnosis 3, but the claim has 2' }]);
});

test('setting rules: POA and PCS only inpatient, an inpatient stay needs an admission', () => {
  const poa = structuredClone(professional) as Record<string, any>;
  poa.diagnoses[0].poa = 'Y';
  const r1 = safeParseClaim(poa);
  assert.ok(!r1.ok && r1.issues.some((i) => i.path === 'diagnoses[0].poa'));
  const inpatient = {
    id: 'IP-1',
    setting: 'inpatient',
    typeOfBill: '0111',
    patient: { birthDate: '1940-01-01', sex: 'M' },
    diagnoses: [{ code: 'I50.23', poa: 'y' }],
    procedures: [{ code: '02HK3DZ', date: '2026-02-03' }],
  };
  const r2 = safeParseClaim(inpatient);
  assert.ok(!r2.ok && r2.issues.some((i) => i.path === 'admission'));
  const ok = parseClaim({ ...inpatient, admission: { date: '2026-02-01' }, discharge: { date: '2026-02-05', status: '01' } });
  assert.equal(ok.diagnoses[0]!.poa, 'Y');
  assert.equal(diagnosisDate(ok), '2026-02-05');
});

test('total charge must equal the line charges', () => {
  const r = safeParseClaim({ ...professional, totalCharge: 170 });
  assert.ok(!r.ok && r.issues[0]!.path === 'totalCharge');
});

test('NPI check digit, paths and ages', () => {
  assert.equal(npiCheckDigitOk('1234567893'), true);
  assert.equal(npiCheckDigitOk('1234567890'), false);
  assert.equal(formatPath(['lines', 2, 'units']), 'lines[2].units');
  assert.equal(ageOn('1950-04-12', '2026-04-11'), 75);
  assert.equal(ageOn('1950-04-12', '2026-04-12'), 76);
});
