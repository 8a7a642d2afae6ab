import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { Icd10cmRelease } from '../icd10cm/release.js';
import { codeRefs, guidelineRules, inRange } from './rules.js';

test('rules.json: every code it names exists in the FY2026 release', async () => {
  const { release } = await (await testCodeSets()).release('icd10cm', { date: '2026-03-01' });
  assert.ok(release instanceof Icd10cmRelease);
  const r = guidelineRules();
  const exists = (c: string) => release.node(c) !== undefined;
  for (const [, code] of [...r.personalHistory, ...r.familyHistory]) assert.ok(exists(code), code);
  for (const c of r.combinations) if (!c.result.includes('{base}')) assert.ok(exists(c.result), `${c.id}: ${c.result}`);
  for (const base of ['E10', 'E11', 'E13']) {
    for (const c of r.combinations.filter((x) => x.result.includes('{base}'))) assert.ok(exists(c.result.replace('{base}', base)), `${c.id} for ${base}`);
  }
  for (const p of r.pregnancy.map) assert.ok(exists(p.code), p.code);
});

test('code references of tabular notes: single codes, categories and ranges', () => {
  const refs = codeRefs('Use additional code to identify stage of chronic kidney disease (N18.1-N18.6); excludes1: type 1 diabetes mellitus (E10.-)');
  assert.deepEqual(refs, [{ from: 'N18.1', to: 'N18.6' }, { from: 'E10', to: 'E10' }]);
  assert.ok(inRange('N18.31', refs[0]!));
  assert.ok(!inRange('N18.9', refs[0]!));
  assert.ok(inRange('E10.9', refs[1]!));
});

test('code references: "X-Y with .NN" names the .NN subcodes only, and words outside the parentheses are not references', () => {
  const diabetic = codeRefs('iridocyclitis, iritis, uveitis (due to) (in) diabetes mellitus (E08-E13 with .39)');
  assert.ok(diabetic.some((r) => inRange('E11.39', r)));
  assert.ok(!diabetic.some((r) => inRange('E11.65', r)), JSON.stringify(diabetic));
  assert.ok(!diabetic.some((r) => inRange('E11.9', r)));
  const pneumoconiosis = codeRefs('pneumoconiosis associated with tuberculosis, any type in A15 (J65)');
  assert.deepEqual(pneumoconiosis, [{ from: 'J65', to: 'J65' }]);
  // A qualifier in other words is not read as the whole category.
  assert.deepEqual(codeRefs('infectious mononucleosis complicated by meningitis (B27.- with fourth character 2)'), []);
});
