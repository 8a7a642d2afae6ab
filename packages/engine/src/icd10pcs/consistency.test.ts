import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walkSources } from '../sources/walk.js';
import { detectEntry } from '../sources/detect.js';
import { readOrderFile } from '../sources/order-file.js';
import { hintFromName } from '../releases/key.js';
import { testCodeSets, sharedCodesets } from '../testing/home.js';
import { isIcd10pcsRelease } from './release.js';
import '../modules.js';

/** The shared release folder's PCS files as the importer sees them, by detected kind. */
async function pcsSources(year: number) {
  const { entries } = await walkSources(sharedCodesets());
  const out: Array<{ entry: (typeof entries)[number]; kind: string; ignore?: string }> = [];
  for (const e of entries) {
    const d = await detectEntry(e);
    if (d?.system !== 'icd10pcs') continue;
    if ((d.year ?? hintFromName(e.name, e.context).year) !== year) continue;
    out.push({ entry: e, kind: d.kind, ...(d.ignore ? { ignore: d.ignore } : {}) });
  }
  return out;
}

test('FY2026 sources: tables, definitions and order file are used; the code list is recognised and set aside', async () => {
  const sources = await pcsSources(2026);
  const used = sources.filter((s) => !s.ignore).map((s) => `${s.kind} ${s.entry.name}`).sort();
  assert.deepEqual(used, [
    'icd10pcs.definitions icd10pcs_definitions_2026.xml',
    'icd10pcs.order icd10pcs_order_2026.txt',
    'icd10pcs.tables icd10pcs_tables_2026.xml',
  ]);
  const ignored = sources.filter((s) => s.ignore);
  assert.deepEqual(ignored.map((s) => s.entry.name), ['icd10pcs-codes-2026.txt']);
  assert.match(ignored[0]!.ignore!, /same valid codes as the order file/);
});

test('every one of the 79,115 valid codes of the FY2026 order file validates against the code tables', async () => {
  const order = (await pcsSources(2026)).find((s) => s.kind === 'icd10pcs.order' && !s.ignore);
  assert.ok(order, 'the FY2026 PCS order file is in ../shared/codesets');
  const rows = await readOrderFile(order.entry);
  assert.equal(rows.length, 80029);
  const valid = rows.filter((r) => r.billable);
  const headers = rows.filter((r) => !r.billable);
  assert.equal(valid.length, 79115);
  assert.equal(headers.length, 914);

  const cs = await testCodeSets();
  const { release } = await cs.release('icd10pcs', { date: '2026-03-01' });
  assert.ok(isIcd10pcsRelease(release));
  // Against the tables alone (rows and their allowed values), not the list of valid codes.
  const notInTables = valid.filter((r) => release.matchTables(r.code)?.kind !== 'row').map((r) => r.code);
  assert.deepEqual(notInTables, []);
  // And through validate/lookup, with the order file's titles.
  const invalid = valid.filter((r) => !release.validate(r.code).valid).map((r) => r.code);
  assert.deepEqual(invalid, []);
  for (let i = 0; i < valid.length; i += 101) {
    const r = valid[i]!;
    const d = release.lookup(r.code);
    assert.equal(d?.title, r.long, r.code);
    assert.equal(d?.axes?.length, 7, r.code);
  }
  // Each header names a table, which is not itself a code.
  for (const h of headers) {
    assert.equal(release.lookup(h.code)?.kind, 'table', h.code);
    assert.equal(release.validate(h.code).valid, false, h.code);
  }
  // The tables make no code beyond the order file's.
  assert.equal([...release.index.allCodes()].length, 79115);
});
