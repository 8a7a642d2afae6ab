import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureTables, makeClaim, testScrubber, type TestLine } from '../testing/edit-fixtures.js';
import { parseCoverage } from './medical-necessity.js';
import type { Finding } from './finding.js';

async function necessity(dx: string[], lines: Array<string | TestLine>, setting: 'professional' | 'outpatient-facility' = 'professional'): Promise<Finding[]> {
  const s = await testScrubber({ layers: { validity: false, 'icd10cm-instructions': false, 'ncci-ptp': false, mue: false, 'add-on': false } });
  return (await s.scrub(makeClaim({ dx, lines, setting }))).findings.filter((f) => f.layer === 'medical-necessity');
}

test('the coverage file compiles as a dated release', async () => {
  const cs = await fixtureTables();
  assert.deepEqual(cs.releases('coverage').map((m) => [m.id, m.counts]), [['coverage-2026', { policies: 2 }]]);
});

test('a procedure covered only for listed diagnoses: the line must point to one', async () => {
  assert.deepEqual(await necessity(['E11.22', 'N18.31'], [{ code: '83036', pointers: [1] }]), []);
  const f = await necessity(['I10', 'E11.22'], [{ code: '83036', pointers: [1] }]);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'error');
  assert.equal(f[0]!.message, 'Line 1: 83036 is covered under FIXTURE-HBA1C (Glycated hemoglobin testing) only for listed diagnoses; the line points to I10. Testing is covered for diagnosed diabetes and abnormal glucose findings.');
  assert.match(f[0]!.fix!, /^Point the line to the documented diagnosis that supports it \(covered: E08\.-, E09\.-/);
  assert.deepEqual(f[0]!.diagnoses, [1]);
  // Outpatient facility lines have no pointers: any diagnosis of the claim supports them.
  assert.deepEqual(await necessity(['I10', 'R73.03'], ['83036'], 'outpatient-facility'), []);
});

test('GA/GZ say a denial is expected: a warning; a policy out of force raises nothing', async () => {
  const f = await necessity(['I10'], [{ code: '83036', modifiers: ['GA'] }]);
  assert.equal(f[0]!.severity, 'warning');
  assert.deepEqual(await necessity(['I10'], ['82306']), [], 'the vitamin D policy ended on 2026-06-30');
});

test('coverage files are checked when imported', () => {
  const good = { format: 'medcoder-coverage/1', policies: [{ id: 'P1', effectiveFrom: '2026-01-01', procedures: ['83036'], coveredDiagnoses: ['E11.-'] }] };
  assert.equal(parseCoverage(JSON.stringify(good), 'c.json').year, 2026);
  const bad = { ...good, policies: [{ ...good.policies[0], coveredDiagnoses: ['diabetes'] }] };
  assert.throws(() => parseCoverage(JSON.stringify(bad), 'c.json'), /c\.json policies\[0\] \(P1\)\.coveredDiagnoses: "diabetes" is not a code/);
  assert.throws(() => parseCoverage('{"format":"x"}', 'c.json'), /"format" must be "medcoder-coverage\/1"/);
});
