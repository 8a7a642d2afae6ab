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

test('medcoder index shows the path, the code and what to verify', () => {
  const r = medcoder('index', 'diabetes type 2 with chronic kidney disease stage 3a', '--date', '2026-03-01');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^1\. Diabetes, type 2, with, chronic kidney disease → E11\.22$/m);
  assert.match(r.stdout, /Use additional code:\n.*N18\.1-N18\.6/);
  assert.match(r.stdout, /N18\.31 +Chronic kidney disease, stage 3a/);
  const j = JSON.parse(medcoder('index', 'shingles', '--date', '2026-03-01', '--json').stdout);
  assert.equal(j.paths[0].code, 'B02.9');
});

test('medcoder search answers words and codes', () => {
  const r = medcoder('search', 'dm2 with ckd', '--system', 'icd10cm', '--limit', '3', '--date', '2026-03-01');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /read "dm2" as "type 2 diabetes mellitus"/);
  assert.match(r.stdout, /^E11\.22 +\* Type 2 diabetes mellitus with diabetic chronic kidney disease/m);
  const j = JSON.parse(medcoder('search', 'e112', '--json', '--date', '2026-03-01').stdout);
  assert.equal(j.mode, 'code');
  assert.equal(j.hits[0].code, 'E11.2');
  const none = medcoder('search', 'qqqqqqqqqqqqqqqqqqqq', '--system', 'icd10cm', '--date', '2026-03-01');
  assert.equal(none.code, 1);
  const bad = medcoder('search', 'x', '--limit', 'many');
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('medcoder neoplasm, drug and pcs', () => {
  const n = medcoder('neoplasm', 'lung', 'upper', 'lobe', '--behavior', 'secondary', '--date', '2026-03-01');
  assert.equal(n.code, 0, n.stderr);
  assert.match(n.stdout, /column "Malignant Secondary"/);
  assert.match(n.stdout, /→ C78\.0-/);
  const d = medcoder('drug', 'acetaminophen', '--intent', 'adverse', '--date', '2026-03-01');
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /T39\.1X5A +7th character A: initial encounter/);
  const badIntent = medcoder('drug', 'acetaminophen', '--intent', 'sometimes');
  assert.equal(badIntent.code, 2);
  const p = medcoder('pcs', '0DT', '--date', '2026-03-01');
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /choose character 4 \(Body Part\)/);
  assert.match(p.stdout, /0DTJ {2}Appendix/);
  const bad = medcoder('pcs', '0DTI');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^medcoder: character 4 of "0DTI"/);
});
