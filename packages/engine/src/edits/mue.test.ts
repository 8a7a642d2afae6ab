import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClaim, testScrubber, type TestLine } from '../testing/edit-fixtures.js';
import { parseMueCsv, splitMai } from './mue.js';
import type { Finding } from './finding.js';

async function mue(lines: Array<string | TestLine>, setting: 'professional' | 'outpatient-facility' = 'professional'): Promise<{ findings: Finding[]; notes: string[] }> {
  const s = await testScrubber({ layers: { validity: false, 'icd10cm-instructions': false, 'ncci-ptp': false, 'add-on': false, 'medical-necessity': false } });
  const r = await s.scrub(makeClaim({ dx: ['E11.22', 'N18.31'], lines, setting }));
  return { findings: r.findings.filter((f) => f.layer === 'mue'), notes: r.layers.find((l) => l.layer === 'mue')!.notes };
}
const ids = (f: Finding[]) => f.map((x) => `${x.rule}:${x.codes[0]}@${x.lines.join(',')}`);

test('MAI 1: units per line (99486, MUE 4)', async () => {
  const { findings } = await mue([{ code: '99486', units: 5 }, { code: '99486', units: 4 }]);
  assert.deepEqual(ids(findings), ['mue.line:99486@1']);
  assert.equal(findings[0]!.message, 'Line 1: 5 units of 99486; at most 4 per line (MUE, adjudication indicator 1, Clinical: CMS Workgroup).');
  assert.equal(findings[0]!.source, 'NCCI medically unlikely edits 2026 July update');
});

test('MAI 2: units per date, an absolute limit (83036, MUE 1), summed over lines', async () => {
  const { findings } = await mue(['83036', '83036']);
  assert.deepEqual(ids(findings), ['mue.day-policy:83036@1,2']);
  assert.match(findings[0]!.message, /^2 units of 83036 on 2026-08-03 \(lines 1 and 2\); at most 1 per day \(MUE, adjudication indicator 2: an absolute limit from policy/);
  assert.match(findings[0]!.fix!, /cannot be appealed/);
  assert.deepEqual(ids((await mue(['83036', { code: '83036', date: '2026-08-04' }])).findings), [], 'one unit on each of two dates');
});

test('MAI 3: units per date, a clinical limit (36415, MUE 2)', async () => {
  const { findings } = await mue([{ code: '36415', units: 3 }]);
  assert.deepEqual(ids(findings), ['mue.day-clinical:36415@1']);
  assert.match(findings[0]!.fix!, /appeal with the documentation/);
  assert.deepEqual(ids((await mue([{ code: '36415', units: 2 }])).findings), []);
});

test('an MUE of 0: not payable in the setting (0079U)', async () => {
  assert.deepEqual(ids((await mue(['0079U'])).findings), ['mue.not-payable:0079U@1']);
});

test('outpatient facility claims need the outpatient hospital table, which the shared data lacks', async () => {
  const { findings, notes } = await mue([{ code: '36415', units: 9 }], 'outpatient-facility');
  assert.deepEqual(findings, []);
  assert.deepEqual(notes, ['NCCI medically unlikely edits 2026 July update has no outpatient hospital table']);
});

test('the official MUE CSV layout and the MAI column', () => {
  const csv = [
    '"CPT codes and descriptions only are copyright 2025 American Medical Association. All Rights Reserved."',
    '"HCPCS/CPT Code","Outpatient Hospital Services MUE Values","MUE Adjudication Indicator","MUE Rationale"',
    '"36415","2","3 Date of Service Edit: Clinical","CMS Policy"',
    '"99486","4","1 Line Edit","Clinical: CMS Workgroup"',
  ].join('\r\n');
  const r = parseMueCsv(csv, 'oph.csv');
  assert.equal(r.table, 'hospital');
  assert.deepEqual(r.rows, [
    { code: '36415', value: 2, mai: 3, rationale: 'CMS Policy' },
    { code: '99486', value: 4, mai: 1, rationale: 'Clinical: CMS Workgroup' },
  ]);
  assert.deepEqual(splitMai('2 Code Descriptor / CPT Instruction', 'x'), { mai: 2, rest: 'Code Descriptor / CPT Instruction' });
  assert.throws(() => splitMai('Line Edit', 'x'), /does not start with an MUE adjudication indicator/);
});
