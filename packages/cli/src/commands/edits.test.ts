import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const CLAIMS = fileURLToPath(new URL('../../../engine/src/edits/fixtures/claims/', import.meta.url));

function medcoder(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('edits: human output lists each finding with its fix, exit 1 on a hard stop', () => {
  const r = medcoder('edits', join(CLAIMS, 'professional-diabetes-visit.json'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^Claim PCN-2026-0815-001: \d+ errors, \d+ warnings — HARD STOP$/m);
  assert.match(r.stdout, /^ERROR {3}Medically unlikely edits · line 2 {2}\[mue\.day-clinical\]\n {2}3 units of 36415 on 2026-08-03 \(line 2\); at most 2 per day/m);
  assert.match(r.stdout, /^ {2}Fix: Use E11\.22 with N18\.31 instead of E11\.9, if the record does not say the conditions are unrelated\.$/m);
  assert.match(r.stdout, /^Layers:\n {2}Code validity +ran +ICD-10-CM FY2026/m);
});

test('edits --json: the scrub result; a clean claim exits 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medcoder-edits-'));
  const file = join(dir, 'clean.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'CLEAN-1',
      setting: 'professional',
      patient: { birthDate: '1950-04-12', sex: 'F' },
      diagnoses: [{ code: 'E11.22' }, { code: 'N18.31' }, { code: 'Z79.4' }],
      lines: [{ code: '99213', units: 1, date: '2026-08-03', diagnosisPointers: [1, 2] }],
    }),
  );
  const r = medcoder('edits', file, '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.claimId, 'CLEAN-1');
  assert.equal(j.hardStop, false);
  assert.deepEqual(j.findings, []);
  assert.equal(j.layers.length, 8);
  const only = medcoder('edits', join(CLAIMS, 'professional-diabetes-visit.json'), '--only', 'mue', '--json');
  const o = JSON.parse(only.stdout);
  assert.deepEqual([...new Set(o.findings.map((f: { layer: string }) => f.layer))], ['mue']);
});

test('edits: an invalid claim or a missing file exits 2 with a one-line reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medcoder-edits-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ id: 'B', setting: 'professional', patient: { birthDate: '1950-01-01', sex: 'F' }, diagnoses: [{ code: 'E11.22' }], lines: [{ code: '99213', units: 0, date: '2026-08-03', diagnosisPointers: [1] }] }));
  const bad = medcoder('edits', file);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /^medcoder: the claim is not valid: lines\[0\]\.units: units must be more than 0/);
  const missing = medcoder('edits', join(dir, 'nope.json'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^medcoder: cannot read .*nope\.json: ENOENT/);
  const layer = medcoder('edits', file, '--skip', 'nonsense');
  assert.equal(layer.code, 2);
});
