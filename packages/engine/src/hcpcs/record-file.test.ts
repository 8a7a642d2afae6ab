import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importReleases } from '../releases/import.js';
import { CodeSets } from '../releases/registry.js';
import { headLines } from '../sources/detect.js';
import { latestRecordDate, looksLikeRecordFile, parseRecordLines } from './record-file.js';
import { hcpcsShapeProblems, normalizeHcpcs } from './code.js';
import '../modules.js';

/** A 320-character record with fields at their layout columns (1-based). Descriptions here are made up. */
function record(f: { code: string; seq?: number; rid: 3 | 4 | 7 | 8; long: string; short?: string; pricing?: string; coverage?: string; betos?: string; tos?: string; units?: string; add?: string; eff?: string; term?: string; action?: string; xref?: string }): string {
  const line = Array<string>(320).fill(' ');
  const put = (col: number, text: string) => [...text].forEach((ch, i) => (line[col - 1 + i] = ch));
  put(1, f.code.length === 2 ? `   ${f.code}` : f.code);
  put(6, String(f.seq ?? 100).padStart(5, '0'));
  put(11, String(f.rid));
  put(12, f.long.padEnd(80).slice(0, 80));
  if (f.rid === 3 || f.rid === 7) {
    put(92, (f.short ?? '').padEnd(28).slice(0, 28));
    if (f.pricing) put(120, f.pricing);
    if (f.xref) put(205, f.xref);
    if (f.coverage) put(230, f.coverage);
    if (f.betos) put(257, f.betos);
    if (f.tos) put(261, f.tos);
    put(266, f.units ?? '  0');
    if (f.add) put(269, f.add);
    if (f.eff) put(277, f.eff);
    if (f.term) put(285, f.term);
    put(293, f.action ?? 'N');
  }
  return line.join('');
}

/** A made-up record file for a future year, in the official layout, with a disclaimer block. */
function futureFile(year: number): string[] {
  const y = String(year);
  return [
    '***Disclaimers\t\t\t',
    '*Inclusion or exclusion of a procedure does not imply coverage.\t\t',
    '',
    record({ code: 'ZZ', rid: 7, long: 'Test modifier for a made-up year', short: 'Test modifier', coverage: 'C', add: `${y}0101`, eff: `${y}0101`, action: 'A' }),
    record({ code: 'A0001', rid: 3, long: 'Test supply item one, with a long description that goes on and on past the', short: 'Test supply one', pricing: '34', coverage: 'C', betos: 'D1F', tos: 'P', add: '20100101', eff: `${y}0101` }),
    record({ code: 'A0001', seq: 200, rid: 4, long: 'eighty columns of the first record' }),
    record({ code: 'A0002', rid: 3, long: 'Test supply item two', short: 'Test supply two', pricing: '0051', coverage: 'M', add: '20000101', eff: `${year - 1}1231`, term: `${year - 1}1231`, action: 'D', xref: 'A0001' }),
    record({ code: 'A0003', rid: 3, long: 'Test anesthesia-like item', short: 'Test three', units: '  5', add: '20050101', eff: '20050101' }),
    record({ code: 'A0004', rid: 3, long: 'Test item four', short: 'Test four', add: '20050101', eff: '20050101' }),
  ];
}

test('record parsing: continuation records are joined, modifiers are two characters, the disclaimer is skipped', () => {
  const parsed = parseRecordLines(futureFile(2031));
  assert.equal(parsed.otherLines, 3);
  assert.deepEqual(parsed.items.map((i) => [i.c, i.k]), [['A0001', 'code'], ['A0002', 'code'], ['A0003', 'code'], ['A0004', 'code'], ['ZZ', 'modifier']]);
  const a1 = parsed.items[0]!;
  assert.equal(a1.t, 'Test supply item one, with a long description that goes on and on past the eighty columns of the first record');
  assert.equal(a1.s, 'Test supply one');
  assert.deepEqual(a1.a.pricingIndicator, ['34']);
  assert.equal(a1.a.betos, 'D1F');
  assert.deepEqual(a1.a.typeOfService, ['P']);
  assert.equal(a1.a.addDate, '2010-01-01');
  assert.equal(a1.a.anesthesiaBaseUnits, undefined);
  const a2 = parsed.items[1]!;
  assert.deepEqual(a2.a.pricingIndicator, ['00', '51']);
  assert.equal(a2.a.terminationDate, '2030-12-31');
  assert.deepEqual(a2.a.crossReference, ['A0001']);
  assert.equal(parsed.items[2]!.a.anesthesiaBaseUnits, 5);
  assert.equal(parsed.latest, '2031-01-01');
});

test('an orphan continuation record is noted, not fatal', () => {
  const parsed = parseRecordLines([record({ code: 'B0001', seq: 200, rid: 4, long: 'lost words' })]);
  assert.equal(parsed.items.length, 0);
  assert.match(parsed.notes[0] ?? '', /B0001/);
});

test('detection by content: record shape and the latest date; other text is not a record file', () => {
  const text = `${futureFile(2031).join('\r\n')}\r\n`;
  const lines = headLines(text, 400);
  assert.ok(looksLikeRecordFile(lines));
  assert.equal(latestRecordDate(lines), '2031-01-01');
  assert.equal(looksLikeRecordFile(['0010  Cholera due to vibrio cholerae', '0011  Cholera el tor', '0019  Cholera NOS', 'A000 x', 'A001 y']), false);
  assert.equal(looksLikeRecordFile(['', '\u0000\u0001', 'garbage']), false);
});

test('a newer file in the same layout imports unchanged: the year comes from its content', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'medcoder-hcpcs-src-'));
  const home = await mkdtemp(join(tmpdir(), 'medcoder-hcpcs-home-'));
  try {
    // No year in the name: only the content says 2031.
    await writeFile(join(dir, 'HCPC_CONTR_ANWEB.txt'), Buffer.from(`${futureFile(2031).join('\r\n')}\r\n`, 'latin1'));
    const report = await importReleases({ from: [dir], home, systems: ['hcpcs'] });
    assert.deepEqual(report.releases.map((r) => r.id), ['hcpcs-2031']);
    assert.deepEqual(report.releases[0]!.counts, { codes: 4, modifiers: 1, reportable: 4, terminated: 1 });
    const cs = await CodeSets.open({ home });
    assert.equal(cs.ref('hcpcs-2031').effectiveFrom, '2031-01-01');
    assert.equal(cs.ref('hcpcs-2031').effectiveTo, '2031-12-31');
    const { detail } = await cs.lookup('hcpcs', 'zz', { date: '2031-05-01' });
    assert.equal(detail?.kind, 'modifier');
    const gone = await cs.validate('hcpcs', 'A0002', { date: '2031-05-01' });
    assert.equal(gone.valid, false);
    assert.equal(gone.reasons[0]?.code, 'TERMINATED');
    assert.deepEqual(gone.suggestions?.map((s) => s.code), ['A0001']);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
});

test('code shapes: letter and four digits, two-character modifiers; CPT shapes are pointed to cpt', () => {
  assert.equal(normalizeHcpcs(' j1100 '), 'J1100');
  assert.deepEqual(hcpcsShapeProblems('J1100'), []);
  assert.deepEqual(hcpcsShapeProblems('RT'), []);
  assert.equal(hcpcsShapeProblems('')[0]?.code, 'EMPTY');
  assert.equal(hcpcsShapeProblems('J11#0')[0]?.code, 'INVALID_CHARACTER');
  assert.match(hcpcsShapeProblems('99213')[0]?.message ?? '', /CPT/);
  assert.equal(hcpcsShapeProblems('J110')[0]?.code, 'INVALID_FORMAT');
  assert.equal(hcpcsShapeProblems('1J100')[0]?.code, 'INVALID_FORMAT');
});
