import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClaim, testScrubber } from '../testing/edit-fixtures.js';
import type { Finding } from './finding.js';
import { instructionIndex } from './icd10cm-instructions.js';
import { testCodeSets } from '../testing/home.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';

const only = { layers: { validity: false, mce: false, poa: false, 'ncci-ptp': false, mue: false, 'add-on': false, 'medical-necessity': false } };

async function findings(dx: string[], setting: 'professional' | 'inpatient' = 'professional'): Promise<Finding[]> {
  const s = await testScrubber(only);
  const lines = setting === 'professional' ? ['99213'] : [];
  return (await s.scrub(makeClaim({ dx: setting === 'inpatient' ? dx.map((d) => `${d}:Y`) : dx, lines, setting }))).findings;
}

const rules = (f: Finding[]) => f.map((x) => x.rule).sort();

test('the instructions of a code are read from its own and inherited notes', async () => {
  const cs = await testCodeSets();
  const cm = (await cs.release('icd10cm', { date: '2026-08-03' })).release as Icd10cmRelease;
  const idx = instructionIndex(cm);
  const e1122 = idx.of('E11.22')!;
  assert.ok(e1122.excludes1.some((n) => n.from === 'E11' && n.refs.some((r) => r.text === 'E10.-')));
  const stage = e1122.useAdditional.find((n) => n.refs.some((r) => r.text === 'N18.1-N18.6'))!;
  assert.equal(stage.required, true, 'the CKD stage note of E11.22 is unconditional');
  assert.ok(e1122.useAdditional.filter((n) => n.refs.some((r) => r.from === 'Z794')).every((n) => !n.required), 'insulin use is one of a list under a heading');
  const n18 = idx.of('N18.31')!;
  assert.ok(n18.codeFirst.some((n) => !n.required && n.refs.some((r) => r.from === 'E1122')), '"code first any associated" is about order only');
  assert.ok(n18.useAdditional.every((n) => !n.required), '"if applicable" is never required');
  assert.equal(idx.of('G63')!.manifestation, true);
  assert.equal(idx.of('V43.52XA')!.externalCause, true);
  assert.equal(idx.of('I50.9')!.unspecified, true);
  assert.equal(idx.of('I50.22')!.unspecified, false);
});

test('Excludes1: type 2 and type 1 diabetes on one claim', async () => {
  const f = await findings(['E11.9', 'E10.9']);
  const ex = f.find((x) => x.rule === 'instructions.excludes1')!;
  assert.deepEqual(ex.codes, ['E11.9', 'E10.9']);
  assert.deepEqual(ex.diagnoses, [1, 2]);
  assert.equal(ex.severity, 'error');
  assert.match(ex.message, /E11 has an Excludes1 note: "type 1 diabetes mellitus \(E10\.-\)"/);
  assert.match(ex.fix!, /unrelated/);
});

test('code first: N18.31 listed before E11.22 is a sequencing warning', async () => {
  const f = await findings(['N18.31', 'E11.22']);
  const seq = f.find((x) => x.rule === 'instructions.code-first-sequence')!;
  assert.equal(seq.message, 'N18.31 says "code first diabetic chronic kidney disease (E08.22, E09.22, E10.22, E11.22, E13.22)", but E11.22 is listed after it.');
  assert.equal(seq.fix, 'List E11.22 before N18.31.');
  assert.equal(seq.severity, 'warning');
  assert.deepEqual(rules(await findings(['E11.22', 'N18.31'])), [], 'the right order is clean');
});

test('a required partner missing: E11.22 without the CKD stage, D63.1 without the CKD', async () => {
  const f = await findings(['E11.22']);
  const add = f.find((x) => x.rule === 'instructions.use-additional-missing')!;
  assert.equal(add.message, 'E11.22 says "use additional code to identify stage of chronic kidney disease (N18.1-N18.6)", but no code from N18.1-N18.6 is on the claim.');
  const d631 = await findings(['D63.1']);
  const first = d631.find((x) => x.rule === 'instructions.code-first-missing')!;
  assert.match(first.message, /^D63\.1 says "code first underlying chronic kidney disease \(CKD\) \(N18\.-\)"/);
  assert.deepEqual(rules(await findings(['N18.4', 'D63.1'])), []);
});

test('a list of code-first notes is about order only: heart failure alone owes no abortion code', async () => {
  const cs = await testCodeSets();
  const cm = (await cs.release('icd10cm', { date: '2026-08-03' })).release as Icd10cmRelease;
  const i509 = instructionIndex(cm).of('I50.9')!;
  assert.ok(i509.codeFirst.some((n) => n.from === 'I50' && n.refs.some((r) => r.from.startsWith('O0'))), 'I50.9 inherits the code-first list of I50');
  assert.ok(i509.codeFirst.every((n) => !n.required));
  assert.deepEqual(rules(await findings(['I50.9'])), []);
  const seq = (await findings(['I50.9', 'I11.0'])).find((x) => x.rule === 'instructions.code-first-sequence');
  assert.equal(seq?.codes.join(' '), 'I50.9 I11.0', 'the order is still checked');
});

test('manifestation and external cause codes are never first', async () => {
  const g63 = (await findings(['G63', 'E85.4'])).find((x) => x.rule === 'instructions.manifestation-first')!;
  assert.equal(g63.severity, 'error');
  assert.match(g63.message, /^G63 \(Polyneuropathy in diseases classified elsewhere\) is a manifestation code and cannot be the first-listed diagnosis/);
  const ext = (await findings(['V43.52XA', 'S82.101A'])).find((x) => x.rule === 'instructions.external-cause-first')!;
  assert.match(ext.message, /^V43\.52XA .* is an external cause code and can never be the first-listed diagnosis\.$/);
  assert.ok(!(await findings(['S82.101A', 'V43.52XA'])).some((x) => x.rule === 'instructions.external-cause-first'));
});

test('less specific codes: E11.9 with N18.31, hypertension with heart failure, unspecified beside specific', async () => {
  const dm = (await findings(['E11.9', 'N18.31'])).find((x) => x.rule === 'instructions.less-specific')!;
  assert.equal(dm.fix, 'Use E11.22 with N18.31 instead of E11.9, if the record does not say the conditions are unrelated.');
  assert.equal(dm.severity, 'warning');
  const htn = (await findings(['I10', 'I50.22', 'N18.4'])).filter((x) => x.rule === 'instructions.less-specific');
  assert.equal(htn.length, 1, 'one suggestion per code: the most specific rule wins');
  assert.equal(htn[0]!.fix, 'Use I13.0 with I50.22 and N18.4 instead of I10, if the record does not say the conditions are unrelated.');
  const hf = (await findings(['I50.22', 'I50.9'])).find((x) => x.rule === 'instructions.unspecified-with-specific')!;
  assert.equal(hf.message, 'I50.9 (Heart failure, unspecified) is reported together with the more specific I50.22 from the same category.');
  assert.deepEqual(hf.diagnoses, [2, 1]);
});

test('a well-coded claim has no instruction findings', async () => {
  assert.deepEqual(rules(await findings(['E11.22', 'I12.9', 'N18.31', 'Z79.4'])), []);
});
