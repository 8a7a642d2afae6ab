import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { ProfessionalCoder, type ProfessionalCoding, type ProfessionalOptions, type ServiceLine } from './professional.js';
import { descriptorDosage, doseUnits } from './units.js';

/* Outpatient notes written for these tests. HCPCS exists for 2019 only in the shared data. */
const DATE = '2019-06-01';

let coderP: Promise<ProfessionalCoder> | undefined;
const coder = () => (coderP ??= testCodeSets().then((cs) => ProfessionalCoder.open(cs, DATE)));

async function code(note: string, opts: Partial<ProfessionalOptions> = {}): Promise<ProfessionalCoding> {
  return (await coder()).code(note, { date: DATE, ...opts });
}

const line = (r: ProfessionalCoding, code: string): ServiceLine | undefined => r.lines.find((l) => l.code === code);
const mods = (l: ServiceLine | undefined) => (l?.modifiers ?? []).map((m) => m.code);

const FLU_AND_B12_WITH_PROBLEM = `Established patient, 67-year-old woman, here for fatigue follow-up and her blood pressure.
HPI: Energy better since monthly B12 injections. Home blood pressures 150s/90s; she has been missing doses of amlodipine.
Assessment and plan:
1. Vitamin B12 deficiency - cyanocobalamin 1000 mcg IM given in the left deltoid today; continue monthly.
2. Hypertension, not at goal - increase amlodipine to 10 mg daily. Recheck in 4 weeks.
3. Health maintenance - influenza vaccine (Fluzone quadrivalent, preservative free) 0.5 ml IM given in the right deltoid.`;

const FLU_AND_B12_ONLY = `Nurse visit. Patient here for her monthly B12 injection and a flu shot. No new complaints.
Cyanocobalamin 1000 mcg given IM in the left deltoid. Influenza vaccine given IM in the right deltoid. Tolerated well.
Assessment: B12 deficiency, on replacement. Vaccination.`;

test('office visit with a flu shot and a B12 injection and a separate problem: codes, units, modifier 25 on the E/M', async () => {
  const r = await code(FLU_AND_B12_WITH_PROBLEM);
  const em = r.lines.find((l) => l.kind === 'em');
  assert.equal(em?.code, '99214');
  assert.deepEqual(mods(em), ['25']);
  assert.match(em!.modifiers[0]!.reason, /Hypertension/);
  assert.equal(line(r, '90686')?.units, 1);
  assert.equal(line(r, '90471')?.units, 1);
  const b12 = line(r, 'J3420');
  assert.equal(b12?.units, 1);
  assert.equal(b12?.title, 'Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg');
  assert.equal(b12?.valid, true);
  assert.equal(line(r, '96372')?.units, 1);
  // Vaccine administration and a therapeutic injection are bundled unless given at separate sites, which the note shows.
  assert.deepEqual(mods(line(r, '96372')), ['59']);
  // The B12 deficiency belongs to the injection: it is not counted as a problem of the separate E/M.
  assert.ok(!r.em!.mdm.problems.findings.some((f) => /B12/.test(f.item ?? '')));
});

test('Medicare: the influenza vaccine administration is G0008 and the distinct-site modifier is XS', async () => {
  const r = await code(FLU_AND_B12_WITH_PROBLEM, { payer: 'medicare' });
  assert.ok(line(r, 'G0008'));
  assert.equal(line(r, '90471'), undefined);
  assert.equal(line(r, 'G0008')?.title, 'Administration of influenza virus vaccine');
  assert.deepEqual(mods(line(r, '96372')), ['XS']);
});

test('an injection-only visit: no E/M, so no modifier 25', async () => {
  const r = await code(FLU_AND_B12_ONLY);
  assert.equal(r.lines.find((l) => l.kind === 'em'), undefined);
  assert.match(r.emNotBilled ?? '', /not separately identifiable/);
  assert.ok(!r.lines.some((l) => mods(l).includes('25')));
  assert.deepEqual(
    r.lines.map((l) => l.code).sort(),
    ['90471', '90686', '96372', 'J3420'],
  );
});

test('two vaccines: 90471 once and 90472 for the second; pneumococcal on Medicare is G0009', async () => {
  const note = 'Assessment: Health maintenance.\nPlan: Tdap given IM left deltoid. Prevnar 20 (PCV20) given IM right deltoid.';
  const r = await code(note);
  assert.deepEqual([line(r, '90471')?.units, line(r, '90472')?.units], [1, 1]);
  assert.ok(line(r, '90715') && line(r, '90677'));
  const m = await code(note, { payer: 'medicare' });
  assert.ok(line(m, 'G0009') && line(m, '90471'));
  assert.equal(line(m, '90472'), undefined);
});

test('J-code units from the dose and the dosage in the HCPCS description', async () => {
  const r = await code('Ceftriaxone 1 g IM given in the right gluteal for gonorrhea exposure. Ketorolac 60 mg IM for back pain.');
  assert.equal(line(r, 'J0696')?.units, 4); // per 250 mg
  assert.equal(line(r, 'J1885')?.units, 4); // per 15 mg
  assert.equal(line(r, '96372')?.units, 2);
  const dex = await code('Dexamethasone 10 mg IM given.');
  assert.equal(line(dex, 'J1100')?.units, 10); // 1 mg
  const noDose = await code('Toradol injection given for the headache.');
  assert.equal(line(noDose, 'J1885')?.units, 1);
  assert.match(line(noDose, 'J1885')?.query ?? '', /dose/);
});

test('dosage descriptors and unit arithmetic', () => {
  assert.deepEqual(descriptorDosage('Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg'), { amount: 1000, unit: 'mcg', kind: 'up to' });
  assert.deepEqual(descriptorDosage('Injection, ceftriaxone sodium, per 250 mg'), { amount: 250, unit: 'mg', kind: 'per' });
  assert.deepEqual(descriptorDosage('Infusion, normal saline solution , 1000 cc'), { amount: 1000, unit: 'cc', kind: 'each' });
  const at = (s: string) => ({ start: 0, end: 4, sentence: { start: 0, end: s.length } });
  assert.equal(doseUnits('drug 0.5 g', at('drug 0.5 g'), 'Injection, x, per 250 mg').units, 2);
  assert.equal(doseUnits('drug 1 mg', at('drug 1 mg'), 'Injection, x, up to 1000 mcg').units, 1);
  assert.equal(doseUnits('drug 2000 mcg', at('drug 2000 mcg'), 'Injection, x, up to 1000 mcg').units, 2);
  assert.equal(doseUnits('drug 2 ml', at('drug 2 ml'), 'Injection, x, 1 mg').units, 1);
});

test('laceration repair: code by classification, anatomic group and summed length; E/M only with modifier 25 when separate', async () => {
  const simple = await code(`HPI: Cut his left forearm on a kitchen knife 2 hours ago.
Procedure: Simple repair of a 3.2 cm laceration of the left forearm with 4-0 nylon after lidocaine infiltration.
Assessment: Laceration of left forearm.
Plan: Wound care, suture removal in 10 days.`);
  assert.ok(line(simple, '12002'), simple.lines.map((l) => l.code).join(','));
  assert.equal(simple.lines.find((l) => l.kind === 'em'), undefined, 'the E/M for the laceration alone is part of the repair');
  const face = await code('Procedure: Layered closure of a 2 cm laceration of the chin.');
  assert.ok(line(face, '12051'), face.lines.map((l) => l.code).join(','));
  const withProblem = await code(`Procedure: Simple repair of a 1.5 cm laceration of the right hand.
Assessment and plan:
1. Laceration of the right hand, repaired.
2. Type 2 diabetes, poorly controlled - increase metformin to 1000 mg twice daily.`);
  assert.ok(line(withProblem, '12001'));
  assert.deepEqual(mods(withProblem.lines.find((l) => l.kind === 'em')), ['25']);
});

test('a bilateral procedure: one line with modifier 50; one side: RT or LT', async () => {
  const both = await code('Procedure: Bilateral knee injections with triamcinolone 40 mg each for osteoarthritis.');
  assert.deepEqual(mods(line(both, '20610')), ['50']);
  const right = await code('Procedure: Right knee joint injection with triamcinolone 40 mg.');
  assert.deepEqual(mods(line(right, '20610')), ['RT']);
  assert.equal(line(right, 'J3301')?.units, 4);
  const left = await code('Injected the left shoulder under ultrasound guidance.');
  assert.deepEqual(mods(line(left, '20611')), ['LT']);
});

test('telehealth: place of service and modifier 95 (video) or 93 (audio only)', async () => {
  const video = await code(`Telehealth visit by real-time audio and video. The patient is at home.
Assessment: Hypertension, stable. Plan: continue lisinopril 10 mg daily.`);
  assert.equal(video.placeOfService, '10');
  assert.deepEqual(mods(video.lines.find((l) => l.kind === 'em')), ['95']);
  const phone = await code(`Telephone visit, audio-only. Patient calling from work.
Assessment: Allergic rhinitis. Plan: loratadine over the counter.`);
  assert.equal(phone.placeOfService, '02');
  assert.deepEqual(mods(phone.lines.find((l) => l.kind === 'em')), ['93']);
  const office = await code('Assessment: Hypertension, stable. Plan: continue lisinopril 10 mg daily.');
  assert.equal(office.placeOfService, '11');
});

test('preventive visits by age and status; Medicare wellness visits; a separate problem gets its E/M with modifier 25', async () => {
  const annual = 'Annual physical exam. 45-year-old established patient, no complaints.\nAssessment: Health maintenance. Screening labs ordered.';
  assert.ok(line(await code(annual), '99396'));
  assert.ok(line(await code(annual, { patient: 'new' }), '99386'));
  assert.ok(line(await code('Well-child visit for a 3-year-old.'), '99392'));
  assert.ok(line(await code('Annual wellness visit, subsequent. 72-year-old.', { payer: 'medicare' }), 'G0439'));
  const both = await code(`Annual physical exam, 52-year-old established patient.
Assessment and plan:
1. Health maintenance - colonoscopy referral.
2. Hypertension, not at goal - start lisinopril 10 mg daily.`);
  assert.ok(line(both, '99396'));
  const em = both.lines.find((l) => l.kind === 'em');
  assert.deepEqual(mods(em), ['25']);
});

test('repeat services: ECG repeated (76), lab test repeated (91); CLIA-waived tests for Medicare (QW)', async () => {
  const r = await code(`12-lead ECG showed sinus rhythm. After nitroglycerin, a repeat ECG was obtained by me and was unchanged.
Fingerstick glucose 45. Repeat fingerstick glucose after juice was 98.`);
  const ecgs = r.lines.filter((l) => l.code === '93000');
  assert.equal(ecgs.length, 2);
  assert.deepEqual(mods(ecgs[1]), ['76']);
  const glucose = r.lines.filter((l) => l.code === '82962');
  assert.deepEqual(mods(glucose[1]), ['91']);
  const strep = await code('Rapid strep test positive. Assessment: strep pharyngitis. Plan: amoxicillin 500 mg twice daily for 10 days.', { payer: 'medicare' });
  assert.deepEqual(mods(line(strep, '87880')), ['QW']);
});

test('the ECG billed with its interpretation is not counted again as data for the E/M', async () => {
  const r = await code(`ECG performed and interpreted in the office: normal sinus rhythm.
Assessment: Palpitations, new. Plan: order TSH and CBC.`);
  assert.ok(line(r, '93000'));
  assert.ok(!r.em!.mdm.data.findings.some((f) => /ecg/i.test(f.item ?? '')));
});

test('HCPCS titles and validity come from the release in force on the date', async () => {
  const r = await code('Cyanocobalamin 1000 mcg IM given.');
  const l = line(r, 'J3420')!;
  assert.equal(l.valid, true);
  assert.ok(l.title);
  const offline = ProfessionalCoder.offline().code('Cyanocobalamin 1000 mcg IM given.', { date: DATE });
  assert.equal(offline.lines.find((x) => x.code === 'J3420')?.title, undefined);
});

test('service rationales are objects like the diagnosis rationale: the services.json rule and a sentence; the E/M line carries each MDM step', async () => {
  const r = await code(FLU_AND_B12_WITH_PROBLEM);
  for (const l of r.lines) {
    assert.ok(l.rationale.length > 0, l.code);
    for (const x of l.rationale) assert.ok(typeof x.rule === 'string' && x.text.length > 5, JSON.stringify(x));
  }
  assert.equal(line(r, '90686')!.rationale[0]!.rule, 'vaccine:influenza');
  assert.deepEqual(line(r, 'J3420')!.rationale.map((x) => [x.kind, x.rule]), [['units', 'drug:b12']]);
  const em = r.lines.find((l) => l.kind === 'em')!;
  assert.deepEqual(em.rationale.filter((x) => x.kind === 'em').map((x) => x.rule).slice(0, 4), ['mdm-problems', 'mdm-data', 'mdm-risk', 'mdm']);
  assert.ok(em.rationale.some((x) => x.kind === 'em-not-higher' && /^not higher: 99215/.test(x.text)));
  // The E/M analysis keeps its explanation and gives the same steps as rationale entries.
  assert.deepEqual(r.em!.rationale.filter((x) => x.kind === 'em').map((x) => x.text), r.em!.explanation);
  assert.deepEqual(r.em!.rationale.filter((x) => x.kind === 'em-not-higher').map((x) => x.text), r.em!.notHigher);
});
