import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClaim, testScrubber } from '../testing/edit-fixtures.js';

test('present-on-admission: required unless exempt, with the FY2026 exempt list', async () => {
  const s = await testScrubber({ layers: { validity: false, 'icd10cm-instructions': false, mce: false } });
  const claim = makeClaim({ setting: 'inpatient', dx: ['I50.23', 'Z79.4:Y', 'J18.9:1', 'B90.0', 'V43.52XA', 'E11.22:W'] });
  const r = await s.scrub(claim);
  const poa = r.findings.filter((f) => f.layer === 'poa').map((f) => `${f.rule}:${f.codes[0]}:${f.severity}`);
  assert.deepEqual(poa, ['poa.missing:I50.23:error', 'poa.reported-on-exempt:Z79.4:warning', 'poa.exempt-mark-on-required:J18.9:error']);
  const missing = r.findings.find((f) => f.rule === 'poa.missing')!;
  assert.equal(missing.message, 'Diagnosis 1 I50.23 has no present-on-admission indicator, and the code is not on the POA exempt list.');
  assert.equal(missing.source, 'POA exempt list FY2026');
  assert.deepEqual(r.layers.find((l) => l.layer === 'poa')!.sources, ['POA exempt list FY2026']);
});
