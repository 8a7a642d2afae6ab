import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

function medcoder(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
    env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const VISIT = `Chief complaint: diabetes follow-up.
Labs: A1c 9.1 today, reviewed. Lipid panel reviewed.
Assessment and plan:
1. Type 2 diabetes, uncontrolled - increase metformin to 1000 mg twice daily. Order urine microalbumin.
2. Hypertension, not at goal - restart lisinopril 20 mg daily.
`;

test('medcoder em explains the level: each MDM element with evidence, and why not one higher', () => {
  const r = medcoder(['em', '-'], VISIT);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^E\/M 99214 {2}Office or other outpatient visit, established patient/m);
  assert.match(r.stdout, /Problems addressed: moderate/);
  assert.match(r.stdout, /Data reviewed and analysed: moderate/);
  assert.match(r.stdout, /Risk of patient management: moderate — prescription drug management/);
  assert.match(r.stdout, /Not higher: 99215 needs high MDM/);
  const json = medcoder(['em', '-', '--patient', 'new', '--json'], VISIT);
  assert.equal(JSON.parse(json.stdout).code, '99204');
  const bad = medcoder(['em', '-', '--setting', 'spa'], VISIT);
  assert.equal(bad.code, 2);
});

test('medcoder procedures: ICD-10-PCS for inpatient, CPT/HCPCS lines with modifiers for professional', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medcoder-proc-'));
  const op = join(dir, 'op.txt');
  writeFileSync(op, 'OPERATIVE NOTE\nProcedure: Laparoscopic cholecystectomy.\nFindings: chronic cholecystitis.\n');
  const pcs = medcoder(['procedures', op, '--setting', 'inpatient', '--date', '2026-03-01', '--json']);
  assert.equal(pcs.code, 0, pcs.stderr);
  assert.deepEqual(JSON.parse(pcs.stdout).pcs.codes.map((c: { code: string }) => c.code), ['0FT44ZZ']);
  const visit = join(dir, 'visit.txt');
  writeFileSync(visit, `${VISIT}3. Influenza vaccine given IM in the left deltoid.\n`);
  const pro = medcoder(['procedures', visit, '--date', '2019-06-01']);
  assert.equal(pro.code, 0, pro.stderr);
  assert.match(pro.stdout, /99214-25 /);
  assert.match(pro.stdout, /90686 /);
  assert.match(pro.stdout, /modifier 25: /);
});
