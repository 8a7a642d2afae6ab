import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

function medcoder(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('roll-forward: a bad option or a missing pdftotext exits 2 with a one-line reason', () => {
  const bad = medcoder(['codesets', 'roll-forward', '--to', 'next', '--dry-run']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /^medcoder: --to must be a fiscal year such as 2026, got "next"/);
  const tool = medcoder(['codesets', 'roll-forward', '--dry-run', '-q'], { MEDCODER_PDFTOTEXT: '/nonexistent/pdftotext' });
  assert.equal(tool.code, 2);
  assert.equal(tool.stderr.trim().split('\n').length, 1);
  assert.match(tool.stderr, /pdftotext.*poppler-utils/);
  const unknown = medcoder(['codesets', 'roll-forward', '--from', 'icd10cm-1999', '--dry-run']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no compiled release "icd10cm-1999"/);
});

test('roll-forward --to 2022 --dry-run --json: one fiscal year of tabular addenda against its order file', () => {
  const r = medcoder(['codesets', 'roll-forward', '--to', '2022', '--dry-run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    release: string;
    releases: unknown[];
    base: { tabular: string; index: string };
    steps: Array<{ update: string; order?: { release: string; billable: number; orderBillable: number; missing: string[]; extra: string[]; after: { missing: string[] } } }>;
    addenda: Array<{ update: string; kind: string; applied: number }>;
    indexCodes: Record<string, { release: string; misses: Array<{ code: string }> }>;
  };
  assert.equal(j.release, 'icd10cm-2022-derived');
  assert.deepEqual(j.releases, [], 'a dry run writes nothing');
  assert.deepEqual(j.base, { tabular: 'icd10cm-2021-jan', index: 'icd10cm-2017' });
  assert.deepEqual([...new Set(j.addenda.map((a) => a.update))], ['FY2018', 'FY2019', 'FY2020', 'FY2021', 'FY2021 January update', 'FY2022']);
  const fy2022 = j.steps.find((s) => s.update === 'FY2022')!.order!;
  assert.equal(fy2022.release, 'icd10cm-2022');
  assert.deepEqual([fy2022.billable, fy2022.orderBillable, fy2022.missing.length, fy2022.extra.length], [72748, 72748, 0, 0]);
  assert.equal(j.indexCodes.index?.release, 'icd10cm-2022');
});

test('diff: codes and tables between two compiled releases, human and JSON', () => {
  const human = medcoder(['codesets', 'diff', 'icd10cm-2025', 'icd10cm-2026', '--limit', '3']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^ICD-10-CM FY2025 \(icd10cm-2025\) → ICD-10-CM FY2026 \(icd10cm-2026\)$/m);
  assert.match(human.stdout, /^Codes: [\d,]+ added \([\d,]+ billable\), [\d,]+ deleted/m);
  assert.match(human.stdout, /^ {4}\+ B88\.01 +Infestation by Demodex mites$/m);
  assert.match(human.stdout, /^Table of Drugs and Chemicals: [\d,]+ entries added/m);
  const j = JSON.parse(medcoder(['codesets', 'diff', 'icd10cm-2025', 'icd10cm-2026', '--json']).stdout) as { codes: { added: Array<{ code: string }> }; indexes: Record<string, unknown> };
  assert.ok(j.codes.added.some((c) => c.code === 'C50.A1'));
  assert.ok(j.indexes.drug && !j.indexes.index, 'both take the Alphabetic Index from FY2017; the tables differ');
  const missing = medcoder(['codesets', 'diff', 'icd10cm-2025', 'nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^medcoder: no compiled release "nope"/);
});
