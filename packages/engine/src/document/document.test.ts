import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, sectionAt } from './document.js';
import { isMedcoderError } from '../errors.js';

const NOTE = `CHIEF COMPLAINT: Chest pain.
HPI: 64 y/o man with type 2 diabetes, here for chest pressure since 3 a.m. He denies dyspnea.
Past Medical History:
- Hypertension
- CKD stage 3b
Family history: mother had breast cancer.
ASSESSMENT AND PLAN
1. Unstable angina. Start aspirin 81 mg.
`;

test('sections are recognised from headers with a colon or alone on their line', () => {
  const doc = parseDocument(NOTE);
  assert.deepEqual(doc.sections.map((s) => s.kind), ['chief_complaint', 'hpi', 'pmh', 'fh', 'assessment']);
  assert.equal(doc.sections[2]!.header!.text, 'Past Medical History');
  const fh = doc.sections[3]!;
  assert.equal(NOTE.slice(fh.start, fh.end).trim(), 'Family history: mother had breast cancer.');
  assert.equal(sectionAt(doc, NOTE.indexOf('breast')).kind, 'fh');
  assert.equal(sectionAt(doc, NOTE.indexOf('Unstable')).kind, 'assessment');
});

test('tokens carry exact offsets into the original text', () => {
  const doc = parseDocument(NOTE);
  for (const t of doc.tokens) assert.equal(NOTE.slice(t.start, t.end), t.text);
  const ckd = doc.tokens.find((t) => t.text === 'CKD')!;
  assert.equal(ckd.norm, 'ckd');
  assert.ok(doc.tokens.some((t) => t.text === '3b' && t.kind === 'word'));
  assert.ok(doc.tokens.some((t) => t.text === '81' && t.kind === 'number'));
});

test('sentences: periods, list lines, abbreviations and headers split; the header is not in the sentence', () => {
  const doc = parseDocument(NOTE);
  const texts = doc.sentences.map((s) => NOTE.slice(s.start, s.end));
  assert.ok(texts.includes('Chest pain.'));
  assert.ok(texts.includes('64 y/o man with type 2 diabetes, here for chest pressure since 3 a.m.'), texts.join(' | '));
  assert.ok(texts.includes('He denies dyspnea.'));
  assert.ok(texts.includes('Hypertension'));
  assert.ok(texts.includes('CKD stage 3b'));
  assert.ok(texts.includes('Unstable angina.'));
  for (const s of doc.sentences) assert.equal(doc.sections[s.section]!.start <= s.start && s.end <= doc.sections[s.section]!.end, true);
});

test('a wrapped line continues its sentence', () => {
  const doc = parseDocument('The patient has a long history of poorly controlled\nhypertension and obesity.\nNo fever.');
  assert.equal(doc.sentences.length, 2);
});

test('empty, binary, invalid UTF-8 and oversized input give clear errors; long lines are bounded', () => {
  assert.equal(parseDocument('').tokens.length, 0);
  assert.equal(parseDocument('   \n\n ').sentences.length, 0);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(isMedcoderError(e));
      return (e.details as { reason: string }).reason;
    }
    return 'no error';
  };
  assert.equal(code(() => parseDocument('abc\u0000def')), 'binary');
  assert.equal(code(() => parseDocument(new Uint8Array([0x66, 0xff, 0xfe, 0x41]))), 'encoding');
  assert.equal(code(() => parseDocument('x'.repeat(20), { maxChars: 10 })), 'size');
  assert.equal(parseDocument(new TextEncoder().encode('Fiebre héctica')).tokens[1]!.norm, 'hectica');
  const line = 'pain and fever '.repeat(7000);
  const doc = parseDocument(line);
  assert.equal(doc.tokens.length, 21000);
  assert.ok(doc.sentences.every((s) => s.endToken - s.firstToken <= 120));
});

test("the patient's age as the note first states it", async () => {
  const { ageOf } = await import('./age.js');
  assert.equal(ageOf('A 58-year-old man with chest pain.'), 58);
  assert.equal(ageOf('A seven-year-old girl; her 35-year-old mother.'), 7);
  assert.equal(ageOf('A girl of 3 years and 8 months old.'), 3);
  assert.equal(ageOf('This is a one-month-old male.'), 0);
  assert.equal(ageOf('Patient aged 70, age: 71.'), 70);
  assert.equal(ageOf('A smoker of 20 years, no age stated.'), undefined);
});
