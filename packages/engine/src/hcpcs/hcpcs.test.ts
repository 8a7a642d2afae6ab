import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';

const Y2019 = { date: '2019-06-01' };

test('HCPCS 2019 release: codes and modifiers from the record file, year from content', async () => {
  const cs = await testCodeSets();
  const m = cs.releases('hcpcs').find((r) => r.id === 'hcpcs-2019');
  assert.ok(m, 'hcpcs-2019 compiled');
  assert.equal(m.effectiveFrom, '2019-01-01');
  assert.equal(m.effectiveTo, '2019-12-31');
  assert.equal(m.counts.codes, 6440);
  assert.equal(m.counts.modifiers, 360);
  assert.ok(m.sources.every((s) => s.path.endsWith('HCPC2019_CONTR_ANWEB.txt')));
});

test('J1100 dexamethasone sodium phosphate 1 mg with its Medicare attributes', async () => {
  const cs = await testCodeSets();
  const { detail, validation } = await cs.lookup('hcpcs', 'j1100', Y2019);
  assert.ok(detail);
  assert.equal(detail.code, 'J1100');
  assert.equal(detail.title, 'Injection, dexamethasone sodium phosphate, 1 mg');
  assert.equal(detail.shortTitle, 'Dexamethasone sodium phos');
  assert.equal(detail.kind, 'code');
  assert.equal(detail.billable, true);
  assert.equal(detail.release.id, 'hcpcs-2019');
  assert.deepEqual(detail.attributes?.pricingIndicator, ['51']);
  assert.equal(detail.attributes?.coverage, 'D');
  assert.equal(detail.attributes?.betos, 'O1E');
  assert.deepEqual(detail.attributes?.typeOfService, ['1', 'P']);
  assert.equal(detail.attributes?.addDate, '1982-01-01');
  assert.equal(detail.attributes?.actionEffectiveDate, '2001-01-01');
  assert.equal(detail.attributes?.actionCode, 'N');
  assert.equal(detail.attributes?.terminationDate, undefined);
  assert.equal(validation.valid, true);
});

test('J0129 abatacept: the long description is joined over its three records', async () => {
  const cs = await testCodeSets();
  const { detail } = await cs.lookup('hcpcs', 'J0129', Y2019);
  assert.equal(
    detail?.title,
    'Injection, abatacept, 10 mg (code may be used for medicare when drug administered under the direct supervision of a physician, not for use when drug is self administered)',
  );
  assert.equal(detail?.shortTitle, 'Abatacept injection');
});

test('modifiers RT and LT', async () => {
  const cs = await testCodeSets();
  const rt = await cs.lookup('hcpcs', 'RT', Y2019);
  assert.equal(rt.detail?.kind, 'modifier');
  assert.equal(rt.detail?.title, 'Right side (used to identify procedures performed on the right side of the body)');
  assert.equal(rt.detail?.shortTitle, 'Right side');
  const lt = await cs.lookup('hcpcs', 'lt', Y2019);
  assert.equal(lt.detail?.code, 'LT');
  assert.equal(lt.detail?.title, 'Left side (used to identify procedures performed on the left side of the body)');
  assert.equal(lt.validation.valid, true);
});

test('a terminated code exists but is not valid: TERMINATED with its date', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('hcpcs', 'G8890', Y2019);
  assert.equal(v.exists, true);
  assert.equal(v.valid, false);
  assert.equal(v.reasons[0]?.code, 'TERMINATED');
  assert.equal(v.reasons[0]?.terminationDate, '2014-12-31');
  const { detail } = await cs.lookup('hcpcs', 'G8890', Y2019);
  assert.equal(detail?.billable, false);
});

test('unknown codes get the nearest codes; CPT modifiers are explained', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('hcpcs', 'J1101', Y2019);
  assert.equal(v.valid, false);
  assert.equal(v.reasons[0]?.code, 'UNKNOWN_CODE');
  assert.ok(v.suggestions?.some((s) => s.code === 'J1100'));
  const m = await cs.validate('hcpcs', '59', Y2019);
  assert.equal(m.reasons[0]?.code, 'UNKNOWN_CODE');
  assert.match(m.reasons[0]?.message ?? '', /CPT/);
  assert.ok(m.suggestions?.every((s) => s.code.length === 2));
  const cpt = await cs.validate('hcpcs', '99213', Y2019);
  assert.equal(cpt.reasons[0]?.code, 'INVALID_FORMAT');
});

test('garbage input never throws', async () => {
  const cs = await testCodeSets();
  for (const input of ['', '   ', '\u0000', 'ÄÖÜ', '💊', 'J'.repeat(10000), '.', '--', 'J11 00', null as unknown as string, 42 as unknown as string]) {
    const v = await cs.validate('hcpcs', input, Y2019);
    assert.equal(v.valid, input === 'J11 00', `input ${JSON.stringify(input)}`);
    await cs.lookup('hcpcs', input, Y2019);
  }
});
