import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walkSources } from '../sources/walk.js';
import { detectEntry } from '../sources/detect.js';
import { readOrderFile } from '../sources/order-file.js';
import { hintFromName } from '../releases/key.js';
import { testCodeSets, sharedCodesets } from '../testing/home.js';
import { normalizeCm } from './code.js';
import { parseTabular } from './tabular.js';
import { compileTabular, seventhRulesFrom } from './compile.js';
import '../modules.js';

async function orderFile(year: number, period?: string) {
  const { entries } = await walkSources(sharedCodesets());
  for (const e of entries) {
    const d = await detectEntry(e);
    if (d?.kind !== 'icd10cm.order' || d.ignore) continue;
    const h = hintFromName(e.name, e.context);
    if (h.year === year && h.period === period) return readOrderFile(e);
  }
  throw new Error(`no order file for ${year}`);
}

test('every billable code of the FY2026 order file is billable in the compiled FY2026 release (74,719)', async () => {
  const rows = await orderFile(2026);
  const billable = rows.filter((r) => r.billable).map((r) => normalizeCm(r.code));
  assert.equal(billable.length, 74719);
  const cs = await testCodeSets();
  const { release } = await cs.release('icd10cm', { date: '2026-03-01' });
  const missing = billable.filter((c) => !release.validate(c).valid);
  assert.deepEqual(missing, []);
  assert.equal(release.billableCount(), 74719);
  // Headers of the order file are known and not billable.
  const headers = rows.filter((r) => !r.billable).map((r) => normalizeCm(r.code));
  assert.equal(headers.filter((c) => release.validate(c).valid).length, 0);
  assert.equal(headers.filter((c) => !release.lookup(c)).length, 0);
});

test('2021: the billable codes derived from the tabular equal the order file (72,621), with the S06 text rule honoured', async () => {
  const { entries } = await walkSources(sharedCodesets());
  let tabEntry;
  for (const e of entries) {
    const d = await detectEntry(e);
    if (d?.kind === 'icd10cm.tabular' && d.year === 2021) tabEntry = e;
  }
  assert.ok(tabEntry, 'the 2021 tabular is in ../shared/codesets');
  const tab = await parseTabular(tabEntry);
  const rules = seventhRulesFrom(tab);
  assert.equal(rules.length, 1);
  assert.equal(rules[0]?.category, 'S06');
  const derived = new Set(compileTabular(tab, rules).nodes.filter((n) => n.b).map((n) => n.c));
  const order = new Set((await orderFile(2021, 'jan')).filter((r) => r.billable).map((r) => normalizeCm(r.code)));
  assert.equal(order.size, 72621);
  assert.deepEqual([...derived].filter((c) => !order.has(c)), []);
  assert.deepEqual([...order].filter((c) => !derived.has(c)), []);
  // Without the rule, exactly the 72 S06 D/S codes would be extra.
  const withoutRule = compileTabular(tab, []).nodes.filter((n) => n.b).length;
  assert.equal(withoutRule - derived.size, 72);
});

test('the compiled 2021 release answers the same billable set as its order file', async () => {
  const cs = await testCodeSets();
  const { release } = await cs.release('icd10cm', { date: '2021-03-01' });
  assert.equal(release.billableCount(), 72621);
});
