import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EDIT_FIXTURES, fixtureTables, makeClaim, testScrubber, type TestLine } from '../testing/edit-fixtures.js';
import { parsePtpLine, parsePtpTable, ptpTableOfName, ptpVersionOfName } from './ptp-file.js';
import type { Finding } from './finding.js';

test('the official PTP layout: preamble, header, tab-separated rows (or the spreadsheet saved as CSV)', async () => {
  const text = await readFile(join(EDIT_FIXTURES, 'ncci-ptp/2026q3/ccipra-v322r0-f1.txt'), 'latin1');
  const rows = parsePtpTable(text, 'f1');
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[2], { column1: '20610', column2: '76942', before1996: false, effective: 20140101, deleted: 20260701, modifier: '0', rationale: 'CPT Manual or CMS manual coding instructions' });
  assert.equal(rows[3]!.before1996, true);
  assert.deepEqual(parsePtpLine('"11042","97597","","20110101","*","1","Misuse of column two code with column one code"', 'csv'), {
    column1: '11042', column2: '97597', before1996: false, effective: 20110101, deleted: 0, modifier: '1', rationale: 'Misuse of column two code with column one code',
  });
  assert.throws(() => parsePtpLine('11042\t97597\t\t20110101\t*\t7\tx', 'bad'), /modifier indicator "7" is not 0, 1 or 9/);
  assert.equal(parsePtpLine('Column 1\tColumn 2', 'header'), undefined);
  assert.deepEqual(ptpVersionOfName('ccipra-v322r0-f1.txt'), { year: 2026, period: 'jul' });
  assert.deepEqual(ptpVersionOfName('ccioph-v300r0-f4.TXT'), { year: 2024, period: 'jan' });
  assert.equal(ptpTableOfName('ccioph-v322r0-f1.txt'), 'hospital');
  assert.equal(ptpTableOfName('ccipra-v322r0-f1.txt'), 'practitioner');
});

test('the importer compiles each quarter (parts merged, practitioner and hospital) as a dated release', async () => {
  const cs = await fixtureTables();
  const rel = cs.releases('ncci-ptp');
  assert.deepEqual(rel.map((m) => [m.id, m.effectiveFrom, m.counts]), [
    ['ncci-ptp-2026-apr', '2026-04-01', { 'practitioner edits': 3, 'practitioner active': 3 }],
    ['ncci-ptp-2026-jul', '2026-07-01', { 'practitioner edits': 7, 'practitioner active': 5, 'hospital edits': 2, 'hospital active': 2 }],
  ]);
  assert.equal(cs.ref('ncci-ptp-2026-apr').effectiveTo, '2026-06-30', 'the July release cuts April short');
  assert.equal(rel[1]!.label, 'NCCI procedure-to-procedure edits 2026 July update');
});

async function ptp(lines: Array<string | TestLine>, o: { date?: string; setting?: 'professional' | 'outpatient-facility' | 'inpatient' } = {}): Promise<Finding[]> {
  const s = await testScrubber({ layers: { validity: false, 'icd10cm-instructions': false, mue: false, 'add-on': false, 'medical-necessity': false } });
  const r = await s.scrub(makeClaim({ dx: ['E11.22:Y', 'N18.31:Y'].map((d) => (o.setting === 'inpatient' ? d : d.split(':')[0]!)), lines, ...o }));
  return r.findings.filter((f) => f.layer === 'ncci-ptp');
}
const ids = (f: Finding[]) => f.map((x) => `${x.rule}:${x.codes.join('/')}`);

test('modifier indicator 1: bundled unless a PTP modifier shows a distinct service', async () => {
  const f = await ptp(['11042', '97597']);
  assert.deepEqual(ids(f), ['ncci-ptp.modifier-needed:11042/97597']);
  assert.equal(f[0]!.message, 'Lines 1 and 2: 97597 is bundled into 11042 on the same date (NCCI modifier indicator 1; Misuse of column two code with column one code; since 2011-01-01).');
  assert.match(f[0]!.fix!, /append XS \(separate site or organ\).* only when the record shows it was at a separate site or session; otherwise remove line 2\.$/);
  assert.deepEqual(f[0]!.lines, [1, 2]);
  assert.equal(f[0]!.source, 'NCCI procedure-to-procedure edits 2026 July update');
  for (const m of ['59', 'XS', 'XE', 'XU', 'XP']) assert.deepEqual(ids(await ptp(['11042', { code: '97597', modifiers: [m] }])), [], `bypassed by ${m}`);
  assert.deepEqual(ids(await ptp([{ code: '11720', modifiers: ['TA'] }, { code: '11721', modifiers: ['T5'] }])), [], 'different toes');
  assert.deepEqual(ids(await ptp([{ code: '11720', modifiers: ['TA'] }, { code: '11721', modifiers: ['TA'] }])), ['ncci-ptp.modifier-needed:11720/11721'], 'the same toe is the same site');
  assert.deepEqual(ids(await ptp(['11042', { code: '97597', date: '2026-08-04' }])), [], 'different dates of service');
  assert.deepEqual(ids(await ptp([{ code: '11042', npi: '1234567893' }, { code: '97597', npi: '1245319599' }])), [], 'different rendering providers');
});

test('modifier indicator 0: never paid together, whatever the modifiers; 9 and deleted edits do not apply', async () => {
  const f = await ptp(['93000', { code: '93010', modifiers: ['59'] }]);
  assert.deepEqual(ids(f), ['ncci-ptp.not-allowed:93000/93010']);
  assert.equal(f[0]!.fix, 'Remove 93010 (line 2); a modifier will not make it payable.');
  assert.deepEqual(ids(await ptp(['36415', '36416'])), [], 'indicator 9');
  // 20610/76942 is deleted as of 2026-07-01: it applies in April, not in August.
  assert.deepEqual(ids(await ptp(['20610', '76942'])), []);
  assert.deepEqual(ids(await ptp(['20610', '76942'], { date: '2026-05-04' })), ['ncci-ptp.not-allowed:20610/76942']);
});

test('outpatient facility claims use the hospital table; inpatient claims have no PTP edits', async () => {
  assert.deepEqual(ids(await ptp(['93000', '93005'], { setting: 'outpatient-facility' })), ['ncci-ptp.not-allowed:93000/93005']);
  assert.deepEqual(ids(await ptp(['93000', '93005'])), [], 'the practitioner table has no 93000/93005 pair in the fixture');
  assert.deepEqual(ids(await ptp(['93000', '93010'], { setting: 'inpatient' })), []);
});
