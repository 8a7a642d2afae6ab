import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClaim, testScrubber, type TestLine } from '../testing/edit-fixtures.js';
import { testCodeSets } from '../testing/home.js';
import type { Finding } from './finding.js';

async function aoc(lines: Array<string | TestLine>): Promise<Finding[]> {
  const s = await testScrubber({ layers: { validity: false, 'icd10cm-instructions': false, 'ncci-ptp': false, mue: false, 'medical-necessity': false } });
  return (await s.scrub(makeClaim({ dx: ['L97.412'], lines }))).findings.filter((f) => f.layer === 'add-on');
}
const ids = (f: Finding[]) => f.map((x) => `${x.rule}:${x.codes[0]}@${x.lines.join(',')}`);

test('the AOC table compiles with its edit types', async () => {
  const cs = await testCodeSets();
  const m = cs.releases('aoc')[0]!;
  assert.equal(m.id, 'aoc-2026-jul');
  assert.equal(m.counts['add-on codes'], 718);
  assert.equal(m.counts['type 2'], 44);
});

test('an add-on code needs one of its primary codes on the same date (11045 with 11042)', async () => {
  const f = await aoc(['11045']);
  assert.deepEqual(ids(f), ['add-on.no-primary:11045@1']);
  assert.equal(f[0]!.message, 'Line 1: add-on code 11045 needs one of its primary codes on the same date (11042), and none is on the claim.');
  assert.equal(f[0]!.severity, 'error');
  assert.deepEqual(ids(await aoc(['11042', '11045'])), []);
  assert.deepEqual(ids(await aoc([{ code: '11042', date: '2026-08-02' }, '11045'])), ['add-on.no-primary:11045@2'], 'the primary on another date does not count');
});

test('primary lists are long for some add-on codes; the message names the first and counts the rest', async () => {
  const f = await aoc(['20930']);
  assert.match(f[0]!.message, /^Line 1: add-on code 20930 needs one of its primary codes on the same date \(22319, 22532, .* \(and \d+ more\)\), and none is on the claim\.$/);
  assert.deepEqual(ids(await aoc(['22633', '20930'])), []);
});

test('type 2 (contractor-defined primaries) raises nothing', async () => {
  assert.deepEqual(ids(await aoc(['0054T'])), []);
});
