import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDIT_FIXTURES, makeClaim, testScrubber } from '../testing/edit-fixtures.js';
import { LAYERS, ruleTexts } from './finding.js';
import { isMedcoderError } from '../errors.js';

const claimFile = async (name: string) => JSON.parse(await readFile(join(EDIT_FIXTURES, 'claims', name), 'utf8')) as unknown;

test('every rule the layers emit has its wording in data/edits/messages.json, and every entry is used', async () => {
  const texts = ruleTexts();
  const src = fileURLToPath(new URL('../../src/edits/', import.meta.url));
  const used = new Set<string>();
  for (const f of await readdir(src)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    const code = await readFile(join(src, f), 'utf8');
    for (const m of code.matchAll(/emit\(\s*'([a-z0-9.-]+)'/g)) used.add(m[1]!);
    for (const m of code.matchAll(/\d: '(mue\.[a-z-]+)'/g)) used.add(m[1]!);
    for (const m of code.matchAll(/emit\([^,]*\?\s*'([a-z0-9.-]+)'\s*:\s*'([a-z0-9.-]+)'/g)) used.add(m[1]!).add(m[2]!);
  }
  for (const a of ['newborn', 'pediatric', 'maternity', 'adult']) used.add(`mce.age-${a}`);
  for (const r of used) assert.ok(texts[r], `no text for ${r}`);
  for (const [r, t] of Object.entries(texts)) {
    assert.ok(used.has(r), `${r} is never emitted`);
    assert.ok((LAYERS as readonly string[]).includes(t.layer), `${r}: layer ${t.layer}`);
    assert.ok(t.severity === 'error' || t.severity === 'warning', `${r}: severity`);
    assert.ok(/[.}]$/.test(t.message) && t.title && t.fix, `${r}: message, title and fix`);
  }
});

test('the example professional claim: findings from several layers, hard stop, stable ids', async () => {
  const s = await testScrubber();
  const claim = await claimFile('professional-diabetes-visit.json');
  const r = await s.scrub(claim);
  assert.equal(r.claimId, 'PCN-2026-0815-001');
  assert.equal(r.hardStop, true);
  assert.equal(r.errors + r.warnings, r.findings.length);
  const layers = new Set(r.findings.map((f) => f.layer));
  for (const l of ['validity', 'icd10cm-instructions', 'mue', 'add-on', 'ncci-ptp', 'medical-necessity'] as const) assert.ok(layers.has(l), `a finding from ${l}`);
  assert.ok(r.findings.some((f) => f.id === 'instructions.less-specific:E11.9+N18.31'));
  const again = await s.scrub(claim);
  assert.deepEqual(again.findings.map((f) => f.id), r.findings.map((f) => f.id));
  const status = Object.fromEntries(r.layers.map((l) => [l.layer, l]));
  assert.equal(status['mue']!.ran, true);
  assert.deepEqual(status['mue']!.sources, ['NCCI medically unlikely edits 2026 July update']);
  assert.equal(status['mce']!.ran, false);
});

test('the example inpatient claim: MCE, POA and instructions on real tables', async () => {
  const s = await testScrubber();
  const r = await s.scrub(await claimFile('inpatient-heart-failure.json'));
  const ids = r.findings.map((f) => f.id);
  for (const id of ['mce.manifestation-pdx:D63.1', 'mce.age-newborn:Z00.110', 'poa.missing:E11.22', 'instructions.less-specific:I10+I50.23+N18.4']) {
    assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  }
  assert.ok(!ids.some((i) => i.startsWith('instructions.manifestation-first')), 'superseded by the MCE finding');
  assert.equal(r.layers.find((l) => l.layer === 'ncci-ptp')!.notes[0], 'inpatient claims are not subject to this edit');
});

test('layers and rules can be switched off', async () => {
  const claim = makeClaim({ dx: ['E11.9', 'E10.9'], lines: [{ code: '36415', units: 3 }] });
  const all = await (await testScrubber()).scrub(claim);
  assert.ok(all.findings.some((f) => f.layer === 'mue'));
  const noMue = await (await testScrubber({ layers: { mue: false } })).scrub(claim);
  assert.ok(!noMue.findings.some((f) => f.layer === 'mue'));
  assert.deepEqual(noMue.layers.find((l) => l.layer === 'mue')!.notes, ['switched off']);
  const noExcludes = await (await testScrubber({ disabledRules: ['instructions.excludes1'] })).scrub(claim);
  assert.ok(!noExcludes.findings.some((f) => f.rule === 'instructions.excludes1'));
  assert.ok(all.findings.some((f) => f.rule === 'instructions.excludes1'));
});

test('a clean claim passes, and an invalid claim is refused with the field path', async () => {
  const s = await testScrubber();
  const r = await s.scrub(makeClaim({ dx: ['E11.22', 'I12.9', 'N18.31', 'Z79.4'], lines: [{ code: '11042', pointers: [1] }, { code: '11045', pointers: [1] }] }));
  assert.deepEqual(r.findings, []);
  assert.equal(r.hardStop, false);
  await assert.rejects(
    () => s.scrub({ id: 'X', setting: 'professional', patient: { birthDate: '1950-01-01', sex: 'F' }, diagnoses: [{ code: 'E11.22' }], lines: [{ code: '99213', units: -1, date: '2026-08-03', diagnosisPointers: [1] }] }),
    (e: unknown) => isMedcoderError(e) && e.code === 'INVALID_CLAIM' && /lines\[0\]\.units/.test(e.message),
  );
});
