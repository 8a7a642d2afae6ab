import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';

const FY2015 = { date: '2015-03-01' };

test('ICD-9-CM v32 releases: diagnoses and procedures, FY2015', async () => {
  const cs = await testCodeSets();
  const dx = cs.releases('icd9cm').find((m) => m.id === 'icd9cm-2015');
  const sg = cs.releases('icd9pcs').find((m) => m.id === 'icd9pcs-2015');
  assert.ok(dx && sg);
  assert.equal(dx.effectiveFrom, '2014-10-01');
  assert.equal(dx.effectiveTo, '2015-09-30');
  assert.equal(dx.counts.codes, 14567);
  assert.equal(sg.counts.codes, 3882);
  assert.equal(dx.sources.length, 2);
  assert.ok(dx.notes?.includes('CMS ICD-9-CM version 32'));
});

test('250.00 with long and short titles, written with or without the dot', async () => {
  const cs = await testCodeSets();
  for (const input of ['250.00', '25000']) {
    const { detail, validation } = await cs.lookup('icd9cm', input, FY2015);
    assert.equal(detail?.code, '250.00');
    assert.equal(detail?.title, 'Diabetes mellitus without mention of complication, type II or unspecified type, not stated as uncontrolled');
    assert.equal(detail?.shortTitle, 'DMII wo cmp nt st uncntr');
    assert.equal(detail?.billable, true);
    assert.equal(validation.valid, true);
  }
});

test('V and E codes; Latin-1 titles decode', async () => {
  const cs = await testCodeSets();
  assert.equal((await cs.lookup('icd9cm', 'E8490', FY2015)).detail?.title, 'Home accidents');
  assert.equal((await cs.lookup('icd9cm', 'v58.67', FY2015)).detail?.code, 'V58.67');
  assert.equal((await cs.lookup('icd9cm', '386.00', FY2015)).detail?.title, "Ménière's disease, unspecified");
});

test('a procedure: 03.31 spinal tap', async () => {
  const cs = await testCodeSets();
  const { detail } = await cs.lookup('icd9pcs', '0331', FY2015);
  assert.equal(detail?.code, '03.31');
  assert.equal(detail?.title, 'Spinal tap');
});

test('a category is not reportable and lists the codes below it; unknown codes get suggestions', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('icd9cm', '250', FY2015);
  assert.equal(v.valid, false);
  assert.equal(v.reasons[0]?.code, 'NOT_BILLABLE');
  assert.equal(v.billableChildren?.length, 40);
  assert.equal(v.billableChildren?.[0]?.code, '250.00');
  const u = await cs.validate('icd9cm', '250.99', FY2015);
  assert.equal(u.reasons[0]?.code, 'UNKNOWN_CODE');
  assert.ok(u.suggestions?.some((s) => s.code.startsWith('250.9')));
});

test('garbage input never throws', async () => {
  const cs = await testCodeSets();
  for (const system of ['icd9cm', 'icd9pcs']) {
    for (const input of ['', ' ', '.', '..', '\u0000', 'É', '💊', '9'.repeat(5000), 'A00.0', 'E', 'V']) {
      const v = await cs.validate(system, input, FY2015);
      assert.equal(v.valid, false, `${system} ${JSON.stringify(input)}`);
      await cs.lookup(system, input, FY2015);
    }
  }
});
