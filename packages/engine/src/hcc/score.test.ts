import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { HccScorer, resolveSegment } from './score.js';

let scorer: Promise<HccScorer> | undefined;
const open = () => (scorer ??= testCodeSets().then((codeSets) => HccScorer.open({ codeSets })));

// Patients checked by hand against ra_coefficients_2026.csv, ra_hierarchies_2026.csv and the CMS mapping.
const five = ['E11.22', 'N18.4', 'I50.22', 'J44.9', 'I48.91'];

test('V28, community aged: several HCCs, four interactions, the count, normalisation and coding intensity', async () => {
  const s = await open();
  const r = s.score({ age: 72, sex: 'F', diagnoses: five }, { model: 'v28' });
  const c = r.components[0]!;
  assert.equal(c.segment, 'CNA');
  assert.deepEqual(c.demographics, [{ variable: 'F70_74', coefficient: 0.395 }]);
  assert.deepEqual(c.hccs.map((h) => [h.hcc, h.coefficient, h.from.join()]), [
    [37, 0.166, 'E11.22'],
    [226, 0.36, 'I50.22'],
    [238, 0.299, 'I48.91'],
    [280, 0.319, 'J44.9'],
    [327, 0.514, 'N18.4'],
  ]);
  assert.deepEqual(c.interactions.map((i) => [i.name, i.coefficient]), [
    ['DIABETES_HF_V28', 0.112],
    ['HF_CHR_LUNG_V28', 0.078],
    ['HF_KIDNEY_V28', 0.176],
    ['HF_HCC238_V28', 0.077],
  ]);
  assert.deepEqual(c.count, { variable: 'D5', coefficient: 0.05 });
  // 0.395 + 0.166 + 0.36 + 0.299 + 0.319 + 0.514 + 0.112 + 0.078 + 0.176 + 0.077 + 0.05
  assert.equal(r.raw, 2.546);
  assert.equal(c.normalization, 1.067);
  assert.equal(r.normalized, 2.386); // 2.546 / 1.067 = 2.3861
  assert.equal(r.codingIntensity, 0.059);
  assert.equal(r.score, 2.245); // 2.386 × 0.941 = 2.2452
  assert.equal(c.hccs[4]!.label, 'Chronic Kidney Disease, Severe (Stage 4)');
});

test('V24: a hierarchy drops HCC 9 under HCC 8, with the CHF interactions', async () => {
  const s = await open();
  const r = s.score({ age: 72, sex: 'F', diagnoses: [...five, 'C78.00', 'C34.90'] }, { model: 'v24', normalization: false });
  const c = r.components[0]!;
  assert.deepEqual(c.hccs.map((h) => h.hcc), [8, 18, 85, 96, 111, 137]);
  assert.deepEqual(c.dropped, [{ hcc: 9, label: 'Lung and Other Severe Cancers', by: [{ hcc: 8, label: 'Metastatic Cancer and Acute Leukemia' }], from: ['C34.90'] }]);
  assert.deepEqual(c.interactions.map((i) => i.name), ['DIABETES_CHF', 'CHF_gCopdCF', 'HCC85_gRenal_V24', 'HCC85_HCC96']);
  assert.deepEqual(c.count, { variable: 'D6', coefficient: 0.077 });
  // 0.386 + 2.659 + 0.302 + 0.331 + 0.268 + 0.335 + 0.289 + 0.121 + 0.155 + 0.156 + 0.085 + 0.077
  assert.equal(r.raw, 5.164);
  assert.equal(r.score, 5.164, 'no normalisation asked for, so no coding intensity either');
});

test('V28 hierarchy within diabetes: HCC 37 removes HCC 38', async () => {
  const s = await open();
  const c = s.score({ age: 70, sex: 'M', diagnoses: ['E11.9', 'E11.22'] }, { model: 'v28' }).components[0]!;
  assert.deepEqual(c.hccs.map((h) => h.hcc), [37]);
  assert.deepEqual(c.dropped.map((d) => [d.hcc, d.by[0]!.hcc, d.from[0]]), [[38, 37, 'E11.9']]);
  assert.equal(c.raw, 0.562); // M70_74 0.396 + HCC37 0.166; D1 is 0
});

test('new enrollees: demographic factors only, by Medicaid and original disability', async () => {
  const s = await open();
  const ne = s.score({ age: 67, sex: 'F', diagnoses: ['I50.22'], segment: 'new-enrollee' }, { model: 'v28', normalization: false });
  assert.deepEqual(ne.components[0]!.demographics, [{ variable: 'NMCAID_NORIGDIS_NEF67', coefficient: 0.557 }]);
  assert.equal(ne.raw, 0.557);
  assert.deepEqual(ne.components[0]!.hccs, []);
  assert.equal(ne.components[0]!.diagnoses[0]!.note, 'new enrollee factors use no diagnoses');
  const mcaid = s.score({ age: 67, sex: 'F', diagnoses: [], segment: 'new-enrollee', medicaid: true }, { model: 'v28', normalization: false });
  assert.equal(mcaid.raw, 1.004);
  const sixtyFour = s.score({ age: 64, sex: 'F', diagnoses: [], segment: 'new-enrollee' }, { model: 'v28', normalization: false });
  assert.deepEqual(sixtyFour.components[0]!.demographics.map((d) => d.variable), ['NMCAID_NORIGDIS_NEF65'], 'entitled by age during the year');
});

test('institutional, under 65: the DISABLED interaction and Medicaid', async () => {
  const s = await open();
  const r = s.score({ age: 50, sex: 'M', diagnoses: ['I50.22'], segment: 'institutional', medicaid: true }, { model: 'v28', normalization: false });
  const c = r.components[0]!;
  assert.equal(c.segment, 'INS');
  assert.deepEqual(c.demographics.map((d) => d.variable), ['M45_54', 'LTIMCAID']);
  assert.deepEqual(c.interactions.map((i) => [i.name, i.coefficient]), [['DISABLED_HF_V28', 0.488]]);
  assert.equal(r.raw, 1.826); // 0.991 + 0.13 + 0.217 + 0.488 + D1 0
});

test('the age and sex edits of V28', async () => {
  const s = await open();
  const child = s.score({ age: 15, sex: 'M', diagnoses: ['J44.9'], segment: 'CND' }, { model: 'v28' }).components[0]!;
  assert.deepEqual(child.diagnoses[0]!.hccs, []);
  assert.match(child.diagnoses[0]!.note!, /^maps to no HCC for this patient \(COPD unspecified - invalid if age < 18\)$/);
  const woman = s.score({ age: 70, sex: 'F', diagnoses: ['D66'] }, { model: 'v28' }).components[0]!;
  const man = s.score({ age: 70, sex: 'M', diagnoses: ['D66'] }, { model: 'v28' }).components[0]!;
  assert.deepEqual([woman.hccs[0]!.hcc, man.hccs[0]!.hcc], [112, 111]);
});

test('blend: the weighted normalised scores of V24 and V28', async () => {
  const s = await open();
  const r = s.score({ age: 72, sex: 'F', diagnoses: five }, { model: 'blend', weights: { v24: 0.33, v28: 0.67 }, normalization: false, codingIntensity: false });
  assert.deepEqual(r.components.map((c) => [c.model, c.raw]), [['v24', 2.47], ['v28', 2.546]]);
  assert.equal(r.raw, 2.521); // 0.33 × 2.470 + 0.67 × 2.546 = 2.5209
  assert.equal(r.score, 2.521);
  // The PY2026 blend is all V28.
  const py = s.score({ age: 72, sex: 'F', diagnoses: five }, { model: 'blend' });
  assert.deepEqual(py.weights, { v28: 1 });
  assert.equal(py.score, 2.245);
});

test('gap hints: unspecified codes whose specific forms map to an HCC', async () => {
  const s = await open();
  const r = s.score({ age: 72, sex: 'F', diagnoses: ['E11.22', 'N18.9', 'F32.9'] }, { model: 'v28', gaps: true });
  const ckd = r.gaps!.find((g) => g.code === 'N18.9')!;
  assert.deepEqual(ckd.hccs, []);
  assert.equal(ckd.why, 'unspecified');
  assert.equal(ckd.suggestions[0]!.hcc, 326, 'stage 5 / ESRD adds the most');
  assert.ok(ckd.suggestions.some((g) => g.codes.some((c) => c.code === 'N18.4')));
  assert.ok(ckd.suggestions.every((g) => g.gain > 0));
  const dep = r.gaps!.find((g) => g.code === 'F32.9')!;
  assert.ok(dep.suggestions.some((g) => g.hcc === 155 && g.codes.some((c) => c.code === 'F32.1')));
  assert.ok(!r.gaps!.some((g) => g.code === 'E11.22'), 'a specific code that maps to an HCC has no hint');
});

test('segments and arguments', () => {
  assert.equal(resolveSegment('community', 64), 'CND');
  assert.equal(resolveSegment('full-dual', 65), 'CFA');
  assert.equal(resolveSegment('partial-dual', 40), 'CPD');
  assert.equal(resolveSegment('snpne' as never, 70), 'SNPNE');
  assert.throws(() => resolveSegment('hospice' as never, 70), /unknown segment "hospice"/);
});
