import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClaim, testScrubber, type TestLine } from '../testing/edit-fixtures.js';
import { testCodeSets } from '../testing/home.js';
import type { Finding } from './finding.js';

const only = { layers: { 'icd10cm-instructions': false, mce: false, poa: false, 'ncci-ptp': false, mue: false, 'add-on': false, 'medical-necessity': false } };

async function run(o: Parameters<typeof makeClaim>[0]): Promise<{ findings: Finding[]; notes: string[] }> {
  const s = await testScrubber(only);
  const r = await s.scrub(makeClaim(o));
  return { findings: r.findings, notes: r.layers.find((l) => l.layer === 'validity')!.notes };
}

test('diagnoses: 7th character, placeholder, header codes, unknown codes', async () => {
  const { findings } = await run({ dx: ['S72.001', 'T36.05A', 'E11.2', 'E11.22', 'Q99.9X'], lines: ['99213'] });
  const by = (code: string) => findings.find((f) => f.codes[0] === code)!;
  assert.match(by('S72.001').message, /^Diagnosis 1 S72\.001 cannot be reported on this claim \(ICD-10-CM FY2026\): S72\.001 needs a 7th character/);
  assert.match(by('S72.001').fix!, /^Add the 7th character for the encounter, e\.g\. S72\.001A/);
  assert.equal(by('T36.05A').fix, 'Write T36.0X5A');
  assert.match(by('E11.2').message, /header, not billable/);
  assert.match(by('E11.2').fix!, /^Report a billable code below E11\.2 that the record supports: E11\.21, E11\.22/);
  assert.ok(by('Q99.9X'), 'an unknown code is reported');
  assert.ok(!findings.some((f) => f.codes[0] === 'E11.22'));
  assert.ok(findings.every((f) => f.severity === 'error' && f.layer === 'validity'));
});

test('a code deleted before the date of service says when it ended', async () => {
  const cs = await testCodeSets();
  const h = (await cs.history('icd10cm'))!;
  const fy25 = h.releases.findIndex((r) => r.id === 'icd10cm-2025');
  const fy26 = h.releases.findIndex((r) => r.id === 'icd10cm-2026');
  const deleted = Object.entries(h.codes).find(([, idx]) => idx.includes(fy25) && !idx.includes(fy26))![0];
  const { findings } = await run({ dx: [deleted], lines: ['99213'] });
  assert.match(findings[0]!.message, /it was valid through ICD-10-CM FY2025/);
});

test('the release in force on the date: a FY2026 code is not valid on a FY2023 date', async () => {
  const cs = await testCodeSets();
  const h = (await cs.history('icd10cm'))!;
  const fy23 = h.releases.findIndex((r) => r.id === 'icd10cm-2023');
  const fy26 = h.releases.findIndex((r) => r.id === 'icd10cm-2026');
  const added = Object.entries(h.codes).find(([, idx]) => idx.includes(fy26) && !idx.includes(fy23))![0];
  assert.equal((await run({ dx: [added], lines: ['99213'] })).findings.length, 0);
  const old = await run({ dx: [added], lines: [{ code: '99213', date: '2023-03-01' }], date: '2023-03-01' });
  assert.equal(old.findings[0]?.rule, 'validity.dx-invalid');
  assert.match(old.findings[0]!.message, /ICD-10-CM FY2023/);
});

test('lines: CPT form, HCPCS codes and modifiers on the line date', async () => {
  const lines: TestLine[] = [
    { code: '99213', modifiers: ['25'] },
    { code: '9921' },
    { code: 'J1100', modifiers: ['RT', 'XS', 'ZZ'] },
    { code: 'X1234' },
    { code: 'J1100', modifiers: ['59', '59'] },
  ];
  // 2019: HCPCS 2019 is in force; the ICD-10-CM FY2018 release answers (FY2019 is not in the shared data).
  const { findings, notes } = await run({ dx: ['E11.9'], lines, date: '2019-06-01' });
  const rules = findings.map((f) => `${f.rule}@${f.lines.join(',')}:${f.severity}`).sort();
  assert.deepEqual(rules, [
    'validity.line-code-form@2:error',
    'validity.line-code-invalid@4:error',
    'validity.modifier-duplicate@5:warning',
    'validity.modifier-invalid@3:error',
  ]);
  const zz = findings.find((f) => f.rule === 'validity.modifier-invalid')!;
  assert.equal(zz.message, 'Line 3: modifier ZZ on J1100 is not valid: it is neither a CPT modifier nor a HCPCS Level II modifier in HCPCS Level II 2019.');
  assert.ok(notes.some((n) => /CPT codes were checked for form only/.test(n)));
  assert.ok(notes.some((n) => /answering from ICD-10-CM FY2018/.test(n)));
});

test('a release that is not in force answers with a warning and its findings become warnings', async () => {
  const { findings, notes } = await run({ dx: ['E11.22', 'N18.31'], lines: [{ code: 'J1100', modifiers: ['ZZ'] }] });
  const zz = findings.find((f) => f.rule === 'validity.modifier-invalid')!;
  assert.equal(zz.severity, 'warning', 'HCPCS 2019 is the newest imported, not the release in force on 2026-08-03');
  assert.ok(notes.some((n) => /answering from HCPCS Level II 2019/.test(n)));
});

test('inpatient: ICD-10-PCS procedures on their dates, duplicate diagnoses', async () => {
  const { findings } = await run({
    setting: 'inpatient',
    dx: ['I50.23:Y', 'I50.23:Y'],
    procedures: [
      { code: '0DTJ4ZZ', date: '2026-08-03' },
      { code: '0DTJ4Z', date: '2026-08-03' },
      { code: '02HK3DZ', date: '2026-09-03' },
    ],
  });
  const rules = findings.map((f) => f.rule).sort();
  assert.deepEqual(rules, ['validity.dx-duplicate', 'validity.pcs-invalid', 'validity.procedure-outside-stay']);
  assert.match(findings.find((f) => f.rule === 'validity.pcs-invalid')!.message, /^Procedure 2 0DTJ4Z is not a valid ICD-10-PCS code \(ICD-10-PCS FY2026\): an ICD-10-PCS code has exactly 7 characters/);
});
