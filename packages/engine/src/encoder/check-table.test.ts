import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Icd10cmRelease } from '../icd10cm/release.js';
import { releasesDir } from '../releases/store.js';
import { testCodeSets } from '../testing/home.js';
import { CHECK_FILE, CheckTable, codesNamed } from './check-table.js';
import { loadWalk, walkLoaded } from './encoder.js';
import { belowRange, factPartsOf, factsFrom, noteDocs } from './verify.js';

async function opened(date: string) {
  const cs = await testCodeSets();
  const w = await loadWalk(cs, { date });
  const id = w.release.id;
  const table = new CheckTable(readFileSync(join(releasesDir(cs.home), id, CHECK_FILE)), id);
  return { cs, w, table, release: w.ctx.release as Icd10cmRelease };
}

for (const date of ['2026-03-01', '2018-03-01']) {
  test(`check file (${date}): every code the index publications name has parts that make the same checks as parts worked out from the tabular`, async () => {
    const { w, table, release } = await opened(date);
    assert.equal(table.release, w.release.id);
    // The walk's books are the index publications the import read.
    const named = new Set<string>();
    for (const kind of ['index', 'eindex', 'drug', 'neoplasm'] as const) {
      const b = w.ctx[kind];
      if (!b) continue;
      for (let i = 0; i < b.size; i++) {
        for (const c of [b.code(i), b.manif(i)]) if (c) named.add(c);
        for (const v of Object.values(b.cells(i))) if (v) named.add(v);
      }
    }
    assert.ok(named.size > 15_000, `${named.size} codes`);
    assert.equal(table.size >= named.size, true);
    const seen = { billable: 0, 'needs-7th-character': 0, 'needs-more-characters': 0, 'not-in-release': 0 };
    for (const c of named) {
      const id = table.find(c);
      assert.ok(id >= 0, `${c} is in the check file`);
      const fromFile = table.parts(id);
      seen[fromFile.status]++;
      // Document ranges as the release's search index gives them.
      const worked = factPartsOf(release, c);
      assert.deepEqual(fromFile.below, worked.code && worked.status === 'needs-more-characters' ? belowRange(w.vocabulary, worked.code) : undefined, `${c} below`);
      assert.deepEqual(fromFile.additionalDocs, worked.code && worked.useAdditional.length ? noteDocs(w.vocabulary, worked.useAdditional) : undefined, `${c} additional`);
      for (const role of ['code', 'manifestation'] as const) {
        assert.deepEqual(factsFrom(release, c, role, fromFile), factsFrom(release, c, role, factPartsOf(release, c)), `${c} (${role})`);
      }
    }
    // Every status occurs among real index codes (FY2026 checks the FY2017 index's codes: some are gone).
    for (const [status, n] of Object.entries(seen)) assert.ok(n > 0, `${status}: ${n}`);
    assert.equal(table.find('Z99.99999'), -1);
  });
}

test('check file: notes, lists and 7th characters are made once and shared by the codes that have them', async () => {
  const { table } = await opened('2026-03-01');
  // T45.8X1 and T45.8X2 (poisoning by another primarily systemic agent, accidental and intentional: cells of the
  // Table of Drugs and Chemicals) share their 7th characters; S72.00- and S72.01- (fracture of the femur's neck)
  // share their family's Excludes1 notes.
  const a = table.parts(table.find('T45.8X1'));
  const b = table.parts(table.find('T45.8X2'));
  assert.equal(a.status, 'needs-7th-character');
  assert.equal(a.seventh, b.seventh);
  assert.deepEqual(a.seventh!.options.map((o) => o.char), ['A', 'D', 'S']);
  const f = table.parts(table.find('S72.00-'));
  const g = table.parts(table.find('S72.01-'));
  assert.equal(f.status, 'needs-more-characters');
  assert.ok(f.excludes1.length > 0);
  assert.equal(f.excludes1, g.excludes1);
  assert.ok(Object.isFrozen(f.excludes1));
  // E11.22 (type 2 diabetes with CKD) names the CKD stage to use as well.
  const e = table.parts(table.find('E11.22'));
  assert.equal(e.status, 'billable');
  assert.ok(e.useAdditional.some((n) => /N18/.test(n.text)), JSON.stringify(e.useAdditional));
  assert.equal(table.parts(table.find('E11.22')).useAdditional, e.useAdditional);
});

test('check file: a walk gives the same answer with it as with checks worked out on the spot', async () => {
  const { cs, w } = await opened('2026-03-01');
  const phrases = ['diabetes type 2 with chronic kidney disease stage 3a', 'fracture femur neck', 'migraine without aura', 'anemia deficiency folic acid drug-induced', 'osteoporosis age-related with current pathologic fracture radius'];
  const withFile = phrases.map((q) => walkLoaded(w, q));
  // A second CodeSets opens the release afresh, and its walks work the checks out from the tabular.
  const { CodeSets } = await import('../releases/registry.js');
  const fresh = await CodeSets.open({ home: cs.home });
  const other = await loadWalk(fresh, { date: '2026-03-01' });
  const { useFactSource } = await import('./verify.js');
  useFactSource(other.ctx.release as Icd10cmRelease, { size: 0, find: () => -1, parts: () => assert.fail('no code is held') });
  assert.deepEqual(phrases.map((q) => walkLoaded(other, q)), withFile);
});

test('check file: codes an index publication names include manifestations, see-category codes and table cells', () => {
  const named = codesNamed({
    format: 1,
    kind: 'index',
    source: 'test',
    letters: [{ t: 'A', k: [{ t: 'Amyloid', c: 'E85.9', k: [{ t: 'heart', c: 'E85.4', m: 'I43' }] }, { t: 'Anomaly', sc: 'Q89' }, { t: 'Arsenic', v: ['T57.0X1', null, 'T57.0X3'] }] }],
    counts: { mainTerms: 3, terms: 4, cells: 2 },
  });
  assert.deepEqual([...named].sort(), ['E85.4', 'E85.9', 'I43', 'Q89-', 'T57.0X1', 'T57.0X3']);
});
