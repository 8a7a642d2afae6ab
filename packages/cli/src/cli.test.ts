import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

function medcoder(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('lookup prints the title, status and notes of a code', () => {
  const r = medcoder('lookup', 'E11.22', '--date', '2026-03-01');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^E11\.22 {2}Type 2 diabetes mellitus with diabetic chronic kidney disease$/m);
  assert.match(r.stdout, /ICD-10-CM FY2026 \(2025-10-01\.\.2026-09-30\) · billable/);
  assert.match(r.stdout, /Excludes1:\n(      .*\n)*      type 1 diabetes mellitus \(E10\.-\)  \[E11\]\n/);
});

test('lookup --json is stable JSON with detail and validation', () => {
  const r = medcoder('lookup', 's72001a', '--date', '2021-03-01', '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.system, 'icd10cm');
  assert.equal(j.detail.code, 'S72.001A');
  assert.equal(j.detail.extension.meaning, 'initial encounter for closed fracture');
  assert.equal(j.validation.valid, true);
});

test('validate: exit 0 when all valid, 1 when any is not, with reasons', () => {
  const ok = medcoder('validate', 'E11.22', 'S72.001A', '--date', '2026-03-01');
  assert.equal(ok.code, 0, ok.stderr);
  const bad = medcoder('validate', 'E11.22', 'S72.001', 'T36.05A', '--date', '2026-03-01', '--json');
  assert.equal(bad.code, 1);
  const list = JSON.parse(bad.stdout) as Array<{ code: string; valid: boolean; reasons: Array<{ code: string }> }>;
  assert.deepEqual(list.map((v) => v.valid), [true, false, false]);
  assert.equal(list[1]?.reasons.at(-1)?.code, 'SEVENTH_CHARACTER_REQUIRED');
  assert.equal(list[2]?.reasons[0]?.code, 'PLACEHOLDER_REQUIRED');
});

test('errors exit 2 with a one-line reason', () => {
  const date = medcoder('lookup', 'E11.22', '--date', '2026-13-01');
  assert.equal(date.code, 2);
  assert.equal(date.stderr.trim().split('\n').length, 1);
  assert.match(date.stderr, /^medcoder: date is not a calendar date: "2026-13-01"/);
  const sys = medcoder('lookup', 'E11.22', '--system', 'snomed');
  assert.equal(sys.code, 2);
  assert.match(sys.stderr, /unknown --system "snomed"/);
  const early = medcoder('validate', 'E11.22', '--date', '2010-01-01');
  assert.equal(early.code, 2);
  assert.match(early.stderr, /no ICD-10-CM release is in force on 2010-01-01/);
});

test('codesets list shows every compiled release with its dates', () => {
  const r = medcoder('codesets', 'list');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /icd10cm-2017 +ICD-10-CM FY2017 +2016-10-01\.\.2017-09-30/);
  assert.match(r.stdout, /icd10cm-2021-jan +ICD-10-CM FY2021 January update +2021-01-01\.\.2021-09-30/);
  assert.match(r.stdout, /icd10cm-2026 +ICD-10-CM FY2026 +2025-10-01\.\.2026-09-30/);
  const j = JSON.parse(medcoder('codesets', 'list', '--json').stdout) as Array<{ id: string }>;
  assert.ok(j.some((m) => m.id === 'icd10cm-2026'));
});

test('a date after the newest release answers with a warning on stderr', () => {
  const r = medcoder('lookup', 'E11.22', '--date', '2026-11-25');
  assert.equal(r.code, 0);
  assert.match(r.stderr, /warning: no ICD-10-CM release in force on 2026-11-25 was imported; answering from ICD-10-CM FY2026/);
});

test('the installed command runs: npm links node_modules/.bin/medcoder, which "npx medcoder" of the quick start calls', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'medcoder'), ['lookup', 'E11.22', '--date', '2026-03-01'], {
    encoding: 'utf8',
    env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME },
  });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^E11\.22 {2}Type 2 diabetes mellitus with diabetic chronic kidney disease$/m);
});
