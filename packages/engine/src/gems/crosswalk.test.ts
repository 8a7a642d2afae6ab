import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMedcoderError } from '../errors.js';
import { testCodeSets } from '../testing/home.js';
import { crosswalk } from './crosswalk.js';

test('gems releases: FY2018 diagnoses, FY2016 procedures, all four directions', async () => {
  const cs = await testCodeSets();
  const g18 = cs.releases('gems').find((m) => m.id === 'gems-2018');
  const g16 = cs.releases('gems').find((m) => m.id === 'gems-2016');
  assert.ok(g18 && g16);
  assert.deepEqual(g18.counts, { 'icd10cm-icd9cm': 81593, 'icd9cm-icd10cm': 24860 });
  assert.deepEqual(g16.counts, { 'icd10pcs-icd9pcs': 82760, 'icd9pcs-icd10pcs': 70105 });
  assert.ok(!g18.files.includes('valid.json'));
});

test('ICD-9-CM 250.00 → ICD-10-CM E11.9', async () => {
  const cs = await testCodeSets();
  const r = await crosswalk(cs, '250.00', { from: 'icd9cm', to: 'icd10cm', date: '2026-03-01' });
  assert.equal(r.source.code, '250.00');
  assert.equal(r.source.title, 'Diabetes mellitus without mention of complication, type II or unspecified type, not stated as uncontrolled');
  assert.deepEqual(r.targets.map((t) => t.code), ['E11.9']);
  assert.equal(r.targets[0]?.system, 'icd10cm');
  assert.equal(r.targets[0]?.title, 'Type 2 diabetes mellitus without complications');
  assert.equal(r.targets[0]?.flags.approximate, true);
  assert.equal(r.targets[0]?.flags.combination, false);
  assert.equal(r.titlesFrom?.id, 'icd10cm-2026');
  assert.equal(r.gems?.id, 'gems-2018');
  assert.deepEqual(r.warnings, []);
});

test('ICD-10-CM titles come from the release in force on the date, else the newest', async () => {
  const cs = await testCodeSets();
  const r = await crosswalk(cs, '25000', { from: 'icd9cm', to: 'icd10cm', date: '2018-03-01' });
  assert.equal(r.titlesFrom?.id, 'icd10cm-2018');
  const gap = await crosswalk(cs, '25000', { from: 'icd9cm', to: 'icd10cm', date: '2012-03-01' });
  assert.equal(gap.titlesFrom?.id, cs.releases('icd10cm').at(-1)?.id);
  assert.equal(gap.warnings.length, 1);
});

test('reverse: ICD-10-CM E11.9 → ICD-9-CM 250.00 with its v32 title', async () => {
  const cs = await testCodeSets();
  const r = await crosswalk(cs, 'e119', { from: 'icd10cm', to: 'icd9cm', date: '2026-03-01' });
  assert.equal(r.source.code, 'E11.9');
  assert.equal(r.source.title, 'Type 2 diabetes mellitus without complications');
  assert.deepEqual(r.targets.map((t) => [t.system, t.code]), [['icd9cm', '250.00']]);
  assert.equal(r.targets[0]?.title, 'Diabetes mellitus without mention of complication, type II or unspecified type, not stated as uncontrolled');
  assert.equal(r.titlesFrom?.id, 'icd9cm-2015');
});

test('combination entries are grouped by scenario and choice list', async () => {
  const cs = await testCodeSets();
  const r = await crosswalk(cs, '806.00', { from: 'icd9cm', to: 'icd10cm' });
  assert.equal(r.targets.length, 12);
  assert.equal(r.scenarios?.length, 4);
  const first = r.scenarios![0]!;
  assert.deepEqual(first.choiceLists.map((c) => [c.choiceList, c.targets.map((t) => t.code)]), [
    [1, ['S14.101A']],
    [2, ['S12.000A', 'S12.001A']],
  ]);
  assert.ok(r.notes.some((n) => n.startsWith('combination')));
});

test('no map: the GEM gives no equivalent', async () => {
  const cs = await testCodeSets();
  const r = await crosswalk(cs, '365.70', { from: 'icd9cm', to: 'icd10cm' });
  assert.equal(r.inGem, true);
  assert.equal(r.noMap, true);
  assert.deepEqual(r.targets, []);
  assert.match(r.notes[0] ?? '', /^no map/);
  const back = await crosswalk(cs, 'R29.700', { from: 'icd10cm', to: 'icd9cm' });
  assert.equal(back.noMap, true);
});

test('procedures: ICD-9-CM 03.31 → ICD-10-PCS and ICD-10-PCS 0016070 → ICD-9-CM 02.31', async () => {
  const cs = await testCodeSets();
  const r = await crosswalk(cs, '03.31', { from: 'icd9pcs', to: 'icd10pcs' });
  assert.equal(r.source.title, 'Spinal tap');
  assert.deepEqual(r.targets.map((t) => t.code), ['009U30Z', '009U3ZX', '009U3ZZ', '009U40Z', '009U4ZX', '009U4ZZ']);
  assert.equal(r.gems?.id, 'gems-2016');
  assert.ok(r.targets.every((t) => t.system === 'icd10pcs'));
  const p = await crosswalk(cs, '0016070', { from: 'icd10pcs', to: 'icd9pcs' });
  assert.deepEqual(p.targets.map((t) => [t.code, t.title]), [['02.31', 'Ventricular shunt to structure in head and neck']]);
});

test('lookups of ICD codes carry their GEM targets in the other revision', async () => {
  const cs = await testCodeSets();
  const nine = await cs.lookup('icd9cm', '250.00', { date: '2015-03-01' });
  assert.deepEqual(nine.detail?.crosswalk?.map((t) => t.code), ['E11.9']);
  const ten = await cs.lookup('icd10cm', 'E11.9', { date: '2026-03-01' });
  assert.deepEqual(ten.detail?.crosswalk?.map((t) => [t.system, t.code]), [['icd9cm', '250.00']]);
  const proc = await cs.lookup('icd9pcs', '03.31', { date: '2015-03-01' });
  assert.equal(proc.detail?.crosswalk?.length, 6);
  if (cs.releases('icd10pcs').length) {
    const pcs = await cs.lookup('icd10pcs', '0016070', { date: '2026-03-01' });
    assert.deepEqual(pcs.detail?.crosswalk?.map((t) => t.code), ['02.31']);
  }
  const hcpcs = await cs.lookup('hcpcs', 'J1100', { date: '2019-06-01' });
  assert.equal(hcpcs.detail?.crosswalk, undefined);
});

test('garbage input never throws; only impossible system pairs are errors', async () => {
  const cs = await testCodeSets();
  for (const input of ['', '   ', '.', '\u0000', 'ÄÖ', '💊', 'x'.repeat(10000), 'Z99.99', '999.99', null as unknown as string]) {
    for (const [from, to] of [['icd9cm', 'icd10cm'], ['icd10cm', 'icd9cm'], ['icd9pcs', 'icd10pcs'], ['icd10pcs', 'icd9pcs']] as const) {
      const r = await crosswalk(cs, input, { from, to });
      assert.deepEqual(r.targets, [], `${from} ${JSON.stringify(input)}`);
      assert.ok(r.notes.length > 0);
    }
  }
  await assert.rejects(crosswalk(cs, '250.00', { from: 'icd9cm', to: 'icd9pcs' }), (e) => isMedcoderError(e) && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(crosswalk(cs, '250.00', { from: 'snomed' as 'icd9cm', to: 'icd10cm' }), (e) => isMedcoderError(e) && e.code === 'UNKNOWN_SYSTEM');
  await assert.rejects(crosswalk(cs, '250.00', { from: 'icd9cm', to: 'icd10cm', date: '2019-02-30' }), (e) => isMedcoderError(e) && e.code === 'INVALID_DATE');
});
