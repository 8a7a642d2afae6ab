import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMedcoderError } from '../errors.js';
import { importReleases } from '../releases/import.js';
import { CodeSets } from '../releases/registry.js';
import { cptHeader, parseCptCsv, parseCsv } from './csv.js';
import '../modules.js';

// Made-up descriptors only: CPT text belongs to the AMA and must never be in this repository.
const CSV = [
  'code,short,long,effective_from,effective_to',
  '99213,Test short one,"test descriptor one, with a comma",2030-01-01,',
  '99214,Test short two,test descriptor two,2030-01-01,',
  '0001F,Test short three,"test ""quoted"" descriptor three",2029-01-01,',
  '99999,Test short gone,test descriptor ended,2020-01-01,2029-12-31',
  '0042T,Test short later,test descriptor later,2030-07-01,',
  '',
].join('\r\n');

async function withTemp<T>(fn: (dir: string, home: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'medcoder-cpt-src-'));
  const home = await mkdtemp(join(tmpdir(), 'medcoder-cpt-home-'));
  try {
    return await fn(dir, home);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}

test('CSV parsing: quotes, doubled quotes, CRLF, BOM', () => {
  assert.deepEqual(parseCsv('\uFEFFa,"b,c","d ""e"""\r\n1,2,3\n').map((r) => r.fields), [['a', 'b,c', 'd "e"'], ['1', '2', '3']]);
  assert.deepEqual(cptHeader('code,short,long'), ['code', 'short', 'long']);
  assert.deepEqual(cptHeader('Code, Short, Long, Effective_From'), ['code', 'short', 'long', 'effective_from']);
  assert.equal(cptHeader('code,long,short'), null);
  assert.equal(cptHeader('HCPC,MOD,DESCRIPTION'), null);
});

test('CSV rows are checked: column count, code shape, dates', () => {
  const { rows } = parseCptCsv(CSV);
  assert.equal(rows.length, 5);
  assert.deepEqual(rows.find((r) => r.code === '0001F'), { code: '0001F', short: 'Test short three', long: 'test "quoted" descriptor three', effectiveFrom: '2029-01-01' });
  const bad = (text: string, re: RegExp) =>
    assert.throws(() => parseCptCsv(text, 'x.csv'), (e) => isMedcoderError(e) && e.code === 'CPT_FILE_INVALID' && re.test(e.message));
  bad('code,short\n99213,a', /header/);
  bad('code,short,long\n99213,a', /line 2 has 2 fields/);
  bad('code,short,long\nJ1100,a,b', /not a CPT code/);
  bad('code,short,long,effective_from\n99213,a,b,01/01/2030', /effective_from must be YYYY-MM-DD/);
  bad('code,short,long\n99213,"a,b', /never closed/);
});

test('a CPT CSV imports from a folder into a home: year from effective_from, lookup and validate', async () => {
  await withTemp(async (dir, home) => {
    await writeFile(join(dir, 'my-cpt-codes.csv'), CSV);
    const report = await importReleases({ from: [dir], home });
    assert.deepEqual(report.releases.map((r) => [r.id, r.label]), [['cpt-2030', 'CPT 2030']]);
    assert.deepEqual(report.releases[0]!.counts, { codes: 5, reportable: 4 });
    const cs = await CodeSets.open({ home });
    const on = { date: '2030-08-01' };
    const { detail, validation } = await cs.lookup('cpt', '99213', on);
    assert.equal(detail?.title, 'test descriptor one, with a comma');
    assert.equal(detail?.shortTitle, 'Test short one');
    assert.equal(detail?.billable, true);
    assert.equal(detail?.release.effectiveFrom, '2030-01-01');
    assert.equal(validation.valid, true);
    const ended = await cs.validate('cpt', '99999', on);
    assert.equal(ended.valid, false);
    assert.equal(ended.reasons[0]?.code, 'TERMINATED');
    const later = await cs.validate('cpt', '0042t', on);
    assert.equal(later.code, '0042T');
    assert.equal(later.reasons[0]?.code, 'NOT_YET_EFFECTIVE');
    const unknown = await cs.validate('cpt', '99215', on);
    assert.equal(unknown.reasons[0]?.code, 'UNKNOWN_CODE');
    assert.ok(unknown.suggestions?.some((s) => s.code === '99214'));
    assert.equal((await cs.validate('cpt', 'J1100', on)).reasons[0]?.code, 'INVALID_FORMAT');
    for (const input of ['', ' ', '\u0000', '💊', '9'.repeat(9999), '.', null as unknown as string]) {
      assert.equal((await cs.validate('cpt', input, on)).valid, false);
      await cs.lookup('cpt', input, on);
    }
  });
});

test('without effective dates the year comes from the file name', async () => {
  await withTemp(async (dir, home) => {
    await writeFile(join(dir, 'cpt-2031.csv'), 'code,short,long\n99213,Test short,test descriptor one\n');
    const report = await importReleases({ from: [dir], home });
    assert.deepEqual(report.releases.map((r) => r.id), ['cpt-2031']);
  });
});

test('an invalid CPT file fails the import with CPT_FILE_INVALID and writes nothing', async () => {
  await withTemp(async (dir, home) => {
    await writeFile(join(dir, 'cpt-2031.csv'), 'code,short,long\n99213,only two\n');
    await assert.rejects(importReleases({ from: [dir], home }), (e) => isMedcoderError(e) && e.code === 'CPT_FILE_INVALID');
    assert.equal((await CodeSets.open({ home })).releases('cpt').length, 0);
  });
});

test('without a CPT release, lookup says how to import a CPT CSV', async () => {
  await withTemp(async (_dir, home) => {
    const cs = await CodeSets.open({ home });
    await assert.rejects(cs.lookup('cpt', '99213'), (e) => isMedcoderError(e) && e.code === 'NO_RELEASE_FOR_DATE' && /CSV/.test(e.message) && /code,short,long/.test(e.message));
    // Other systems keep the registry's own message.
    await assert.rejects(cs.lookup('hcpcs', 'J1100'), (e) => isMedcoderError(e) && e.code === 'NO_RELEASE_FOR_DATE' && !/CSV/.test(e.message));
  });
});
