import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClaim, testScrubber } from '../testing/edit-fixtures.js';
import type { Finding } from './finding.js';

const layers = { validity: false, 'ncci-ptp': false, mue: false, 'add-on': false, 'medical-necessity': false, poa: false } as const;

async function inpatient(dx: string[], birthDate = '1950-04-12'): Promise<Finding[]> {
  const s = await testScrubber({ layers });
  return (await s.scrub(makeClaim({ setting: 'inpatient', dx: dx.map((d) => `${d}:Y`), birthDate }))).findings;
}
const mce = (f: Finding[]) => f.filter((x) => x.layer === 'mce').map((x) => `${x.rule}:${x.codes.join('+')}`);

test('unacceptable principal diagnosis', async () => {
  const f = await inpatient(['B95.0', 'J18.9']);
  assert.deepEqual(mce(f), ['mce.unacceptable-pdx:B95.0']);
  const x = f.find((y) => y.rule === 'mce.unacceptable-pdx')!;
  assert.equal(x.message, 'B95.0 is not acceptable as the principal diagnosis of an inpatient claim (Medicare Code Editor).');
  assert.equal(x.source, 'Medicare Code Editor FY2026');
  assert.deepEqual(mce(await inpatient(['J18.9', 'B95.0'])), [], 'it may be a secondary diagnosis');
});

test('manifestation and external cause as principal; the MCE finding replaces the instruction finding', async () => {
  const f = await inpatient(['D63.1', 'N18.4']);
  assert.deepEqual(mce(f), ['mce.manifestation-pdx:D63.1']);
  assert.ok(!f.some((x) => x.rule === 'instructions.manifestation-first'), 'one finding per problem');
  const e = await inpatient(['V43.52XA', 'S82.101A']);
  assert.deepEqual(mce(e), ['mce.external-cause-pdx:V43.52XA']);
  assert.ok(!e.some((x) => x.rule === 'instructions.external-cause-first'));
});

test('a principal that needs a secondary diagnosis, and a repeated principal', async () => {
  assert.deepEqual(mce(await inpatient(['Z51.89'])), ['mce.pdx-needs-secondary:Z51.89']);
  assert.deepEqual(mce(await inpatient(['Z51.89', 'C50.911'])), []);
  const dup = await inpatient(['J18.9', 'I10', 'J18.9']);
  assert.ok(mce(dup).includes('mce.duplicate-pdx:J18.9'));
});

test('age conflicts: newborn, pediatric, maternity and adult diagnoses', async () => {
  // A 76-year-old.
  const old = await inpatient(['J18.9', 'Z00.110', 'A48.51', 'O00.00']);
  assert.deepEqual(mce(old).sort(), ['mce.age-maternity:O00.00', 'mce.age-newborn:Z00.110', 'mce.age-pediatric:A48.51']);
  const nb = old.find((x) => x.rule === 'mce.age-newborn')!;
  assert.equal(nb.message, 'Z00.110 is a newborn diagnosis (age 0), but the patient is 76 (Medicare Code Editor: ages 0-0).');
  // A 10-year-old with an adult diagnosis.
  const child = await inpatient(['J18.9', 'F01.50'], '2016-01-01');
  assert.deepEqual(mce(child), ['mce.age-adult:F01.50']);
});

test('the MCE does not apply to professional claims', async () => {
  const s = await testScrubber({ layers });
  const r = await s.scrub(makeClaim({ dx: ['B95.0'], lines: ['99213'] }));
  assert.deepEqual(mce(r.findings), []);
  assert.deepEqual(r.layers.find((l) => l.layer === 'mce')!.notes, ['applies to inpatient claims only']);
});
