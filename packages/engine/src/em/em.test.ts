import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEm } from './em.js';
import { totalTime } from './time.js';
import { emRules } from './rules.js';

/*
 * Visit notes written for these tests. Each E/M level boundary is checked by
 * medical decision making and, where the category allows it, by time.
 */

const STRAIGHTFORWARD = `Chief complaint: bug bite.
HPI: Small itchy insect bite on the left forearm since yesterday. No fever.
Exam: 5 mm papule, no surrounding erythema.
Assessment: Insect bite, self-limited.
Plan: Cool compresses and rest. Return if spreading redness.`;

const LOW = `Chief complaint: sinus congestion for 5 days.
HPI: Nasal congestion and facial pressure, no fever.
Exam: Mild maxillary tenderness. Lungs clear.
Assessment: Acute sinusitis, uncomplicated.
Plan: Saline nasal rinse twice daily and ibuprofen as needed. Return if worse after 10 days.`;

const MODERATE = `Chief complaint: diabetes follow-up.
HPI: Home sugars 180-250 over the last month. Out of lisinopril for two weeks.
Labs: A1c 9.1 today, reviewed. Lipid panel from March reviewed, LDL 142.
Assessment and plan:
1. Type 2 diabetes, uncontrolled - increase metformin to 1000 mg twice daily. Order urine microalbumin.
2. Hypertension, not at goal at 152/94 - restart lisinopril 20 mg daily.
3. Hyperlipidemia, stable on atorvastatin 40 mg - continue.`;

const HIGH = `Chief complaint: chest pressure.
HPI: 64-year-old man with 40 minutes of substernal pressure radiating to the left arm this morning, diaphoretic.
ECG: I personally interpreted the ECG: 2 mm ST depression in V4-V6.
Troponin ordered.
Assessment: Chest pain concerning for acute coronary syndrome.
Plan: Aspirin 325 mg given. Sent to the emergency department by ambulance for admission to cardiology.`;

const withTime = (note: string, minutes: number) => `${note}\nTotal time spent on the date of the encounter: ${minutes} minutes, including review of records, examination, counseling and documentation.`;

test('office, established patient: each level by MDM (99212, 99213, 99214, 99215)', () => {
  const cases: Array<[string, string, string]> = [
    [STRAIGHTFORWARD, '99212', 'straightforward'],
    [LOW, '99213', 'low'],
    [MODERATE, '99214', 'moderate'],
    [HIGH, '99215', 'high'],
  ];
  for (const [note, code, mdm] of cases) {
    const r = analyzeEm(note, { category: 'office-established' });
    assert.equal(r.code, code, `${mdm}: ${r.explanation.join(' | ')}`);
    assert.equal(r.mdm.name, mdm);
    assert.equal(r.basis, 'mdm');
  }
});

test('office, new patient: each level by MDM (99202-99205)', () => {
  const cases: Array<[string, string]> = [
    [STRAIGHTFORWARD, '99202'],
    [LOW, '99203'],
    [MODERATE, '99204'],
    [HIGH, '99205'],
  ];
  for (const [note, code] of cases) assert.equal(analyzeEm(note, { category: 'office-new' }).code, code);
});

test('MDM elements: each is found with evidence in the note', () => {
  const r = analyzeEm(MODERATE, { category: 'office-established' });
  assert.equal(r.mdm.problems.name, 'moderate');
  assert.equal(r.mdm.data.name, 'moderate');
  assert.equal(r.mdm.risk.name, 'moderate');
  const tests = r.mdm.data.findings.filter((f) => f.kind.startsWith('test-')).map((f) => f.item?.toLowerCase());
  assert.deepEqual(tests.sort(), ['a1c', 'lipid panel', 'microalbumin']);
  assert.ok(r.mdm.risk.findings.some((f) => f.kind === 'prescription'));
  for (const f of [...r.mdm.problems.findings, ...r.mdm.data.findings, ...r.mdm.risk.findings]) assert.equal(MODERATE.slice(f.evidence.start, f.evidence.end), f.evidence.text);
  // Why not 99215: the elements that fall short of high, by name.
  assert.match(r.notHigher[0]!, /99215 needs high MDM/);
  assert.match(r.notHigher[0]!, /problems moderate \(needs high\)/);
  assert.match(r.notHigher[0]!, /risk moderate \(needs high\)/);
  assert.match(r.notHigher[1]!, /40 minutes/);
});

test('high MDM: a threat to bodily function and a decision to hospitalise meet high with minimal data', () => {
  const r = analyzeEm(HIGH, { category: 'office-established' });
  assert.equal(r.mdm.problems.name, 'high');
  assert.equal(r.mdm.risk.name, 'high');
  assert.ok(r.mdm.risk.findings.some((f) => f.kind === 'hospitalization'));
  assert.ok(r.mdm.data.findings.some((f) => f.kind === 'interpretation'));
  assert.match(r.notHigher[0]!, /highest level/);
});

test('office, established patient: time boundaries (20, 30, 40 minutes)', () => {
  const cases: Array<[number, string]> = [
    [19, '99212'],
    [20, '99213'],
    [29, '99213'],
    [30, '99214'],
    [39, '99214'],
    [40, '99215'],
  ];
  for (const [minutes, code] of cases) {
    const r = analyzeEm(withTime(STRAIGHTFORWARD, minutes), { category: 'office-established' });
    assert.equal(r.code, code, `${minutes} minutes`);
    assert.equal(r.time?.minutes, minutes);
  }
  // Time never lowers the level MDM supports.
  assert.equal(analyzeEm(withTime(MODERATE, 15), { category: 'office-established' }).code, '99214');
  const byTime = analyzeEm(withTime(LOW, 42), { category: 'office-established' });
  assert.equal(byTime.basis, 'time');
  assert.match(byTime.explanation.join(' '), /chosen by time/);
});

test('office, new patient: time boundaries (15, 30, 45, 60 minutes) and prolonged services', () => {
  const cases: Array<[number, string]> = [
    [15, '99202'],
    [29, '99202'],
    [30, '99203'],
    [44, '99203'],
    [45, '99204'],
    [59, '99204'],
    [60, '99205'],
  ];
  for (const [minutes, code] of cases) assert.equal(analyzeEm(withTime(STRAIGHTFORWARD, minutes), { category: 'office-new' }).code, code, `${minutes} minutes`);
  const long = analyzeEm(withTime(STRAIGHTFORWARD, 76), { category: 'office-new' });
  assert.deepEqual([long.code, long.prolonged?.code, long.prolonged?.units], ['99205', '99417', 1]);
  assert.equal(analyzeEm(withTime(STRAIGHTFORWARD, 74), { category: 'office-new' }).prolonged, undefined);
  const medicare = analyzeEm(withTime(STRAIGHTFORWARD, 89), { category: 'office-new', payer: 'medicare' });
  assert.deepEqual([medicare.prolonged?.code, medicare.prolonged?.units], ['G2212', 1]);
  assert.equal(analyzeEm(withTime(STRAIGHTFORWARD, 88), { category: 'office-new', payer: 'medicare' }).prolonged, undefined);
});

test('emergency department: MDM only (99282-99285), time is not used', () => {
  assert.equal(analyzeEm(STRAIGHTFORWARD, { category: 'emergency' }).code, '99282');
  assert.equal(analyzeEm(LOW, { category: 'emergency' }).code, '99283');
  assert.equal(analyzeEm(MODERATE, { category: 'emergency' }).code, '99284');
  assert.equal(analyzeEm(HIGH, { category: 'emergency' }).code, '99285');
  const timed = analyzeEm(withTime(LOW, 75), { category: 'emergency' });
  assert.equal(timed.code, '99283');
  assert.equal(timed.time, undefined);
  assert.ok(timed.warnings.some((w) => /MDM only/.test(w)));
});

test('hospital inpatient or observation care: initial (99221-99223) and subsequent (99231-99233), by MDM and by time', () => {
  assert.equal(analyzeEm(LOW, { category: 'hospital-initial' }).code, '99221');
  assert.equal(analyzeEm(MODERATE, { category: 'hospital-initial' }).code, '99222');
  assert.equal(analyzeEm(HIGH, { category: 'hospital-initial' }).code, '99223');
  assert.equal(analyzeEm(withTime(LOW, 54), { category: 'hospital-initial' }).code, '99221');
  assert.equal(analyzeEm(withTime(LOW, 55), { category: 'hospital-initial' }).code, '99222');
  assert.equal(analyzeEm(withTime(LOW, 75), { category: 'hospital-initial' }).code, '99223');
  assert.equal(analyzeEm(LOW, { category: 'hospital-subsequent' }).code, '99231');
  assert.equal(analyzeEm(MODERATE, { category: 'hospital-subsequent' }).code, '99232');
  assert.equal(analyzeEm(HIGH, { category: 'hospital-subsequent' }).code, '99233');
  assert.equal(analyzeEm(withTime(LOW, 34), { category: 'hospital-subsequent' }).code, '99231');
  assert.equal(analyzeEm(withTime(LOW, 35), { category: 'hospital-subsequent' }).code, '99232');
  assert.equal(analyzeEm(withTime(LOW, 50), { category: 'hospital-subsequent' }).code, '99233');
});

test('discharge day management by time: 30 minutes or less (99238), more than 30 (99239)', () => {
  const note = 'Discharge summary. Pneumonia resolved on oral antibiotics. Discharged home with amoxicillin 875 mg twice daily for 3 more days.';
  assert.equal(analyzeEm(`${note}\nTotal time spent on discharge: 30 minutes.`, { category: 'hospital-discharge' }).code, '99238');
  assert.equal(analyzeEm(`${note}\nI spent 35 minutes on discharge day management.`, { category: 'hospital-discharge' }).code, '99239');
  const none = analyzeEm(note, { category: 'hospital-discharge' });
  assert.equal(none.code, '99238');
  assert.ok(none.warnings.length > 0);
});

test('a nurse visit is 99211', () => {
  const r = analyzeEm('Nurse visit for blood pressure check only. BP 128/78. No changes.', { category: 'office-established' });
  assert.equal(r.code, '99211');
});

test('total time: statements of time and what is not total time', () => {
  assert.equal(totalTime('I spent 32 minutes with the patient today.')?.minutes, 32);
  assert.equal(totalTime('Total time: 45 min')?.minutes, 45);
  assert.equal(totalTime('Pain for 30 minutes after meals.'), undefined);
  assert.equal(totalTime('Time spent on the separately reported procedure: 20 minutes.'), undefined);
});

test('time: every time pattern states a number of minutes, so a note without one skips them all', () => {
  const rules = emRules();
  for (const re of rules.time) assert.match(re.source, /\(\\d\{1,3\}\) \?\(\?:minutes\|min\|mins\)/, re.source);
  assert.equal(rules.timeMinutes.test('spent 35 minutes'), true);
  assert.equal(totalTime('Total time: thirty minutes.'), undefined);
  assert.equal(totalTime('I spent 35 minutes with the patient.')?.minutes, 35);
});
