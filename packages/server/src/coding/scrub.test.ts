/**
 * The workstation's edits come from every layer of the engine's claim
 * scrubber, with the scrubber's advice and one-click fixes from
 * data/edit-fixes.json; a server using them shows the findings and applies a fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimOf, scrubEdits } from './scrub.js';
import { encounterBody, harness, testCodeSets } from '../testing/harness.js';

const dx = (code: string, sequence: number, poa: string | null = null) => ({ system: 'icd10cm', code, sequence, kind: 'diagnosis', poa });

test('a stay: validity, Excludes1 and POA findings, each with advice and fixes', async () => {
  const cs = await testCodeSets();
  const r = await scrubEdits(cs, {
    setting: 'inpatient', date: '2026-03-02', dateTo: '2026-03-05', encounterId: 1, patient: { birthDate: '1950-01-01', sex: 'M' },
    codes: [dx('E11.9', 1), dx('E10.9', 2, 'Y'), dx('E11', 3, 'Y')],
  });
  assert.match(r.engine, /^engine:Scrubber \(validity, icd10cm-instructions, mce, poa\)$/);
  const rule = (id: string) => r.findings.filter((f) => f.rule === id);
  const invalid = rule('validity.dx-invalid')[0]!;
  assert.equal(invalid.layer, 'validity');
  assert.deepEqual(invalid.codes, ['E11']);
  assert.ok(invalid.fixes.some((f) => f.action === 'replace' && f.replacement === 'E11.00'));
  assert.ok(invalid.fixes.some((f) => f.action === 'remove' && f.code === 'E11'));
  const excludes = rule('instructions.excludes1').find((f) => f.codes.join() === 'E11.9,E10.9')!;
  assert.equal(excludes.severity, 'error');
  assert.match(excludes.advice ?? '', /Keep the code the record supports/);
  assert.deepEqual(excludes.fixes.map((f) => f.label), ['Remove E10.9', 'Remove E11.9']);
  const poa = rule('poa.missing')[0]!;
  assert.deepEqual(poa.codes, ['E11.9']);
  assert.deepEqual(poa.fixes.map((f) => f.replacement), ['POA:Y', 'POA:N', 'POA:U', 'POA:W']);
  assert.match(poa.source ?? '', /POA/);
});

test('an outpatient visit without service lines: the diagnosis layers run and the missing line is said', async () => {
  const r = await scrubEdits(await testCodeSets(), { setting: 'outpatient', date: '2026-03-02', patient: { birthDate: null, sex: null }, codes: [dx('I10', 1), dx('I10', 2)] });
  assert.deepEqual(r.findings.map((f) => f.rule), ['claim.no-service-line', 'validity.dx-duplicate']);
  assert.match(r.findings[0]!.message, /^An outpatient claim needs at least one CPT or HCPCS service line/);
  assert.deepEqual(r.findings[1]!.fixes, [{ action: 'remove', code: 'I10', label: 'Remove I10' }]);
});

test('codes with no diagnosis, and the claim built for a professional visit', async () => {
  const r = await scrubEdits(await testCodeSets(), { setting: 'professional', date: '2026-03-02', codes: [{ system: 'cpt', code: '99213', sequence: 1, kind: 'service', poa: null }] });
  assert.deepEqual(r.findings.map((f) => [f.rule, f.severity]), [['claim.no-diagnosis', 'error']]);
  const { claim, diagnosesOnly, knownAge } = claimOf({
    setting: 'professional', date: '2026-03-02', encounterId: 5, patient: { birthDate: '1980-05-01', sex: 'F' },
    codes: [dx('J18.9', 1), dx('I10', 2, 'Y'), { system: 'cpt', code: '99213', sequence: 1, kind: 'service', poa: null }],
  });
  assert.equal(diagnosesOnly, false);
  assert.equal(knownAge, true);
  assert.deepEqual(claim['diagnoses'], [{ code: 'J18.9' }, { code: 'I10' }], 'no POA outside a stay');
  assert.deepEqual(claim['lines'], [{ system: 'cpt', code: '99213', units: 1, date: '2026-03-02', diagnosisPointers: [1, 2] }]);
});

test('the server runs the scrubber by default: findings carry layer and advice, and a POA fix applies', async () => {
  const h = await harness('sqlite', { edits: undefined });
  try {
    const m = await h.as('manager');
    const created = await m.post('/api/encounters', encounterBody('SCRUB-1', { setting: 'inpatient', serviceFrom: '2026-03-02', serviceTo: '2026-03-04' }));
    await h.server.ctx.pool.drain();
    const id = created.body.id as number;
    const c = await h.as('coder');
    let d = (await c.get(`/api/encounters/${id}`)).body;
    const s = d.suggestions.find((x: { status: string }) => x.status === 'suggested');
    let r = await c.post(`/api/encounters/${id}/suggestions/${s.id}/accept`, { version: d.encounter.version });
    r = await c.post(`/api/encounters/${id}/edits`, { version: r.body.version });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    d = (await c.get(`/api/encounters/${id}`)).body;
    const poa = d.edits.find((f: { rule: string }) => f.rule === 'poa.missing');
    assert.ok(poa, JSON.stringify(d.edits));
    assert.equal(poa.layer, 'poa');
    assert.match(poa.advice, /Report Y, N, U or W/);
    r = await c.post(`/api/encounters/${id}/edits/${poa.id}/fix`, { version: d.encounter.version, fix: 0 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    d = (await c.get(`/api/encounters/${id}`)).body;
    assert.equal(d.finalCodes.find((x: { code: string }) => x.code === poa.codes[0]).poa, 'Y');
    assert.ok(!d.edits.some((f: { rule: string; status: string }) => f.rule === 'poa.missing' && f.status === 'open'));
  } finally {
    await h.close();
  }
});
