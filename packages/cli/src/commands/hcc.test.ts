import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

function medcoder(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('hcc: the score with its explanation and gap hints', () => {
  const r = medcoder('hcc', '--model', 'v28', '--age', '72', '--sex', 'F', 'E11.22', 'N18.4', 'I50.22', 'J44.9', 'I48.91', 'N18.9');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CMS-HCC V28 \(2024 model\), segment CNA \(community, non-dual, aged\)$/m);
  assert.match(r.stdout, /^ {2}HCC 327 Chronic Kidney Disease, Severe \(Stage 4\) +0\.514 {2}← N18\.4$/m);
  assert.match(r.stdout, /^ {2}Interaction HF_KIDNEY_V28 \(HF_V28 × KIDNEY_V28\) +0\.176$/m);
  assert.match(r.stdout, /^Risk score: 2\.245$/m);
  assert.match(r.stdout, /^ {2}N18\.9 Chronic kidney disease, unspecified \(no HCC\)$/m);
});

test('hcc --json, new enrollee and blend; argument errors exit 2', () => {
  const ne = JSON.parse(medcoder('hcc', '--model', 'v28', '--age', '67', '--sex', 'F', '--segment', 'new-enrollee', '--normalization', 'none', 'I50.22', '--json').stdout);
  assert.equal(ne.raw, 0.557);
  const blend = JSON.parse(medcoder('hcc', '--model', 'blend', '--age', '72', '--sex', 'M', 'E11.22', '--json').stdout);
  assert.deepEqual(blend.weights, { v28: 1 });
  const age = medcoder('hcc', '--age', 'old', '--sex', 'F', 'E11.22');
  assert.equal(age.code, 2);
  assert.match(age.stderr, /^medcoder: --age must be a whole number of years, got "old"/);
  const seg = medcoder('hcc', '--age', '70', '--sex', 'F', '--segment', 'hospice', 'E11.22');
  assert.equal(seg.code, 2);
  assert.match(seg.stderr, /unknown segment "hospice"/);
});
