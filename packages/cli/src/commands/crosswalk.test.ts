import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

function medcoder(args: string[], home = process.env.MEDCODER_TEST_HOME) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MEDCODER_HOME: home } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('crosswalk 250.00 --to icd10cm prints E11.9 with its title', () => {
  const r = medcoder(['crosswalk', '250.00', '--to', 'icd10cm', '--date', '2026-03-01']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ICD-9-CM \(diagnoses\) 250\.00 {2}Diabetes mellitus without mention of complication/m);
  assert.match(r.stdout, /→ E11\.9 +Type 2 diabetes mellitus without complications {2}\(approximate\)/);
  assert.match(r.stdout, /GEMs FY2018; titles from ICD-10-CM FY2026/);
});

test('crosswalk --json, and the reverse direction', () => {
  const r = medcoder(['crosswalk', 'E11.9', '--to', 'icd9cm', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.source.system, 'icd10cm');
  assert.deepEqual(j.targets.map((t: { code: string }) => t.code), ['250.00']);
  const p = medcoder(['crosswalk', '0331', '--to', 'icd10pcs', '--json']);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).source.code, '03.31');
});

test('crosswalk: no target exits 1; bad arguments exit 2 with a one-line reason', () => {
  const none = medcoder(['crosswalk', '365.70', '--to', 'icd10cm']);
  assert.equal(none.code, 1);
  assert.match(none.stdout, /no map/);
  const garbage = medcoder(['crosswalk', '%%%', '--to', 'icd9cm']);
  assert.equal(garbage.code, 1);
  assert.match(garbage.stdout, /not a valid ICD-10-CM code/);
  for (const args of [['250.00', '--to', 'hcpcs'], ['250.00', '--to', 'icd10cm', '--from', 'icd9pcs'], ['250.00', '--to', 'icd10cm', '--date', '2019-02-30']]) {
    const r = medcoder(['crosswalk', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^medcoder: /);
  }
});

test('lookup on cpt without an imported CPT release suggests importing a CPT CSV', async () => {
  const home = await mkdtemp(join(tmpdir(), 'medcoder-cli-cpt-'));
  try {
    const r = medcoder(['lookup', '99213', '--system', 'cpt'], home);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /no CPT release.*CSV.*code,short,long.*codesets import/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
