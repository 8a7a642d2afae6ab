import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../document/document.js';
import { contextRules, type ContextCategory } from './context.js';
import { phraseTerms } from './keys.js';
import { isSiteAdjective, termOf } from './normalize.js';
import { DictionaryBuilder, mainTermTerms, requiredInNonessential } from './dictionary.js';
import { sharesHead } from './matcher.js';
import { testCodeSets } from '../testing/home.js';
import { diagnosisCoder } from '../coding/module.js';

/** Categories governing the words of `target` in a one-sentence note. */
function contextOf(text: string, target: string): ContextCategory[] {
  const doc = parseDocument(text);
  const rules = contextRules();
  const start = text.indexOf(target);
  const words = doc.tokens.filter((t) => t.start >= start && t.end <= start + target.length).map((t) => t.index);
  const s = doc.sentences[doc.tokens[words[0]!]!.sentence]!;
  return rules.governing(doc, rules.triggersIn(doc, s.firstToken, s.endToken), s.endToken, words).map((t) => t.category).sort();
}

test('context triggers: direction, scope, terminators and pseudo-triggers from data/nlp/context.json', () => {
  assert.deepEqual(contextOf('No fever, chills or night sweats.', 'night sweats'), ['negated']);
  assert.deepEqual(contextOf('No fever but productive cough.', 'productive cough'), []);
  assert.deepEqual(contextOf('Pneumonia was ruled out.', 'Pneumonia'), ['negated']);
  assert.deepEqual(contextOf('Possible early appendicitis.', 'appendicitis'), ['uncertain']);
  assert.deepEqual(contextOf('History of colon cancer.', 'colon cancer'), ['historical']);
  assert.deepEqual(contextOf('Family history of diabetes.', 'diabetes'), ['family']);
  assert.deepEqual(contextOf('Return if chest pain recurs.', 'chest pain'), ['hypothetical']);
  assert.deepEqual(contextOf('Her husband has tuberculosis.', 'tuberculosis'), ['other']);
  // "no increase" is a pseudo-trigger: it negates nothing.
  assert.deepEqual(contextOf('No increase in abdominal pain.', 'abdominal pain'), []);
  // "A 2-month history of fever" gives the duration of a present complaint, not a past condition.
  assert.deepEqual(contextOf('She came with a 2-month history of fever.', 'fever'), []);
  assert.deepEqual(contextOf('A man with a 10 years history of diabetes.', 'diabetes'), []);
  assert.deepEqual(contextOf('A woman with a history of breast cancer.', 'breast cancer'), ['historical']);
  // "non-" negates the word it is joined to, not the rest of the sentence.
  assert.deepEqual(contextOf('History of non-insulin-dependent diabetes mellitus, hypertension and dyslipidemia.', 'hypertension'), ['historical']);
  assert.deepEqual(contextOf('He presented with non-irradiated low back pain.', 'low back pain'), []);
  assert.deepEqual(contextOf('A hard, non-painful tumor.', 'painful'), ['negated']);
  // A trigger between the words of a mention governs the words after it.
  assert.deepEqual(contextOf('Abdomen soft, without masses.', 'masses'), ['negated']);
  // A denied history closed by a comma or a verb denies the history only, not what the next clause says.
  assert.deepEqual(contextOf('A 57-year-old woman, with no relevant medical history, ex-smoker for 15 years.', 'ex-smoker'), []);
  assert.deepEqual(contextOf('A 40-year-old man with no previous medical or surgical history consulted for dizziness.', 'dizziness'), []);
  assert.deepEqual(contextOf('A man with no history of interest complained of visual loss.', 'visual loss'), []);
  assert.deepEqual(contextOf('A woman with no personal history of interest suffered a fall.', 'fall'), []);
  // ... while a list after the denial stays denied, and a history of a named condition is still past.
  assert.deepEqual(contextOf('He had no history of asthma, diabetes or hypertension.', 'hypertension'), ['negated']);
  assert.deepEqual(contextOf('A woman with a personal history of breast cancer.', 'breast cancer'), ['historical']);
  // "negative" after "and" or "with" describes what follows it, not the finding before it.
  assert.deepEqual(contextOf('Episodes of hematuria and negative urine culture.', 'hematuria'), []);
  assert.deepEqual(contextOf('Hypertransaminasemia and negative serology for hepatitis B.', 'hepatitis B'), ['negated']);
  assert.deepEqual(contextOf('Serology for hepatitis B was negative.', 'hepatitis B'), ['negated']);
  // A test "ruling out" a condition excludes it; "without ruling out" leaves it open.
  assert.deepEqual(contextOf('A transesophageal echocardiogram was performed, ruling out endocarditis.', 'endocarditis'), ['negated']);
  assert.deepEqual(contextOf('A complicated cyst, without ruling out metastatic disease.', 'metastatic disease'), ['uncertain']);
  assert.deepEqual(contextOf('Fever; rule out pneumonia.', 'pneumonia'), ['uncertain']);
});

test('normalisation: stems join noun and adjective, inflammations keep their name, British spellings', () => {
  assert.equal(termOf('diabetic'), termOf('diabetes'));
  assert.equal(termOf('hypertensive'), termOf('hypertension'));
  assert.equal(termOf('fractures'), termOf('fracture'));
  assert.notEqual(termOf('cervicitis'), termOf('cervical'));
  assert.notEqual(termOf('hepatitis'), termOf('hepatic'));
  assert.equal(termOf('oedema'), termOf('edema'));
  assert.equal(termOf('haemorrhage'), termOf('hemorrhage'));
  assert.equal(termOf('tumour'), termOf('tumor'));
  assert.equal(termOf('kidney'), termOf('renal'));
  assert.deepEqual(phraseTerms('Disease of the kidney, unspecified (NOS)'), [termOf('disease'), termOf('kidney')]);
});

test('main terms: restating parts are alternatives, qualifying parts are required', () => {
  assert.deepEqual(mainTermTerms('Diabetes, diabetic (mellitus) (sugar)'), [termOf('diabetes')]);
  assert.deepEqual(mainTermTerms('Fracture, traumatic (abduction)'), [termOf('fracture')]);
  assert.deepEqual(mainTermTerms('Fracture, pathological'), [termOf('fracture'), termOf('pathological')]);
});

test('nonessential modifiers: words outside every parenthesis are the title read on, so required; alternatives are not', () => {
  // Strings as the compiled FY2017 Alphabetic Index stores them (index.json "n").
  assert.deepEqual(requiredInNonessential(['(infectional) due to blood loss (chronic)']), phraseTerms('blood loss'));
  assert.deepEqual(requiredInNonessential(['(on) chronic (congestive)']), phraseTerms('chronic'));
  assert.deepEqual(requiredInNonessential(['(except toe(s) alone)']), []);
  assert.deepEqual(requiredInNonessential(['(s), xanthomatosis (primary) (familial) (hereditary)']), []);
  assert.deepEqual(requiredInNonessential(['(G) forces or states (effect of)']), []);
  assert.deepEqual(requiredInNonessential(['(HIV) disease (infection)']), []);
});

test('context: "accompanied by" and "radiating to" end a negation\'s scope', () => {
  assert.deepEqual(contextOf('Without voiding syndrome and accompanied by hematuria with clots.', 'hematuria'), []);
  assert.deepEqual(contextOf('With no history of trauma, irradiating to epigastric pain.', 'epigastric pain'), []);
  assert.deepEqual(contextOf('Without voiding syndrome and accompanied by hematuria with clots.', 'voiding syndrome'), ['negated']);
});

// Short notes written for these tests, coded against the FY2026 release compiled from ../shared/codesets.
async function codesOf(text: string): Promise<{ codes: string[]; evidence: string[] }> {
  const { coder } = await diagnosisCoder(await testCodeSets(), { date: '2026-03-01' });
  const r = coder.code(text, { setting: 'inpatient' });
  return { codes: r.codes.map((c) => c.code), evidence: r.codes.flatMap((c) => c.evidence.map((e) => e.text)) };
}

test('index variants: the forms a main term lists ("Atrophy, atrophic") are read as its word; an adjective among them is no concept alone', async () => {
  const { coder } = await diagnosisCoder(await testCodeSets(), { date: '2026-03-01' });
  const variants = coder.dictionary.data.variants ?? {};
  assert.equal(variants[termOf('atrophic')], termOf('atrophy'));
  assert.equal(variants[termOf('necrotic')], termOf('necrosis'));
  // filters.json notVariants: herpes simplex is not "simple"; "Eye, eyelid" shares too few letters to be one word.
  assert.equal(variants[termOf('simplex')], undefined);
  assert.equal(variants[termOf('eyelid')], undefined);
  const atrophic = await codesOf('Ultrasound showed an atrophic left kidney.');
  assert.ok(atrophic.codes.includes('N26.1'), atrophic.codes.join(' '));
  const necrotic = await codesOf('Necrotic tissue was removed.');
  assert.ok(!necrotic.codes.includes('I96'), necrotic.codes.join(' '));
});

test('a main term that is only a "see" to another one-word main term reads as that word, unless filters.json says otherwise', async () => {
  // "Lithiasis — see Calculus": "renal lithiasis" is a kidney stone.
  const stone = await codesOf('Ultrasound showed renal lithiasis on the left side.');
  assert.ok(stone.codes.includes('N20.0'), stone.codes.join(' '));
  // "Consumption — see Tuberculosis" is in notVariants: drinking is not tuberculosis.
  const drinking = await codesOf('He reported daily alcohol consumption and pulmonary nodules.');
  assert.ok(!drinking.codes.some((c) => /^A1[5-9]/.test(c)), drinking.codes.join(' '));
});

test('a subterm\'s "see also" without a code of its own leads to the code of the entry it names', async () => {
  // FY2017 on: "Neuropathy > optic (see also Neuritis, optic)" has no code; "Neuritis > optic" is H46.9.
  const r = await codesOf('He was diagnosed with optic neuropathy of the left eye.');
  assert.ok(r.codes.includes('H46.9'), r.codes.join(' '));
});

test('site adjectives: "corneal", "urachal" are read as the site, but a site adjective alone names no condition', async () => {
  assert.ok(isSiteAdjective('corneal'));
  assert.ok(!isSiteAdjective('cornea'));
  assert.equal(termOf('urachal'), termOf('urachus'));
  const cornea = await codesOf('Slit lamp examination showed a corneal erosion in the right eye.');
  assert.ok(cornea.codes.includes('H16.001'), cornea.codes.join(' '));
  const urachus = await codesOf('Cystoscopy showed a urachal cyst.');
  assert.ok(urachus.codes.includes('Q64.4'), urachus.codes.join(' '));
  // "Trachea" is an inclusion term of S12.8 (injury of other parts of neck): the adjective alone must not reach it.
  const tracheal = await codesOf('Tracheal intubation was performed.');
  assert.deepEqual(tracheal.codes, []);
  const distended = await codesOf('The abdomen was distended and tympanic.');
  assert.ok(distended.codes.includes('R14.0'), distended.codes.join(' '));
});

test('neoplasm origin: the site after "from" is where the tumour came from, not where it spread (neoplasm-words.json origin)', async () => {
  const from = await codesOf('Needle aspiration confirmed a metastasis from renal carcinoma.');
  assert.ok(from.codes.includes('C64.9'), from.codes.join(' '));
  assert.ok(!from.codes.some((c) => c.startsWith('C79.0')), from.codes.join(' '));
  // Without "from" the site is where it spread.
  const to = await codesOf('CT showed liver metastases.');
  assert.ok(to.codes.includes('C78.7'), to.codes.join(' '));
});

test('list items: words of a key joined by "and", "or" or a comma are two items, unless the entry is written that way (filters.json coordinators)', async () => {
  const labs = await codesOf('Blood and urine tests were requested.');
  assert.ok(!labs.codes.includes('R31.9'), labs.codes.join(' '));
  const comma = await codesOf('Samples of blood, urine and stool were sent.');
  assert.ok(!comma.codes.includes('R31.9'), comma.codes.join(' '));
  // The same words written as one concept still match.
  const hematuria = await codesOf('He noticed blood in the urine.');
  assert.ok(hematuria.codes.includes('R31.9'), hematuria.codes.join(' '));
  // "Nausea > with vomiting": the entry joins its own words, so "nausea and vomiting" is R11.2.
  const nausea = await codesOf('She had nausea and vomiting for two days.');
  assert.ok(nausea.codes.includes('R11.2'), nausea.codes.join(' '));
});

test('coordinated modifiers share their head: "abdominal and lumbar pain" is abdominal pain; two nouns joined are still two items', async () => {
  const doc = parseDocument('She had abdominal and lumbar pain. Blood and urine tests. Pain and difficulty moving the neck.');
  const at = (word: string, nth = 0) => doc.tokens.filter((t) => t.norm === word)[nth]!.index;
  assert.ok(sharesHead(doc, [at('abdominal'), at('pain')]));
  assert.ok(!sharesHead(doc, [at('blood'), at('urine')]));
  assert.ok(!sharesHead(doc, [at('pain', 1), at('neck')]));
  const pain = await codesOf('She complained of abdominal and lumbar pain for a week.');
  assert.ok(pain.codes.includes('R10.9'), pain.codes.join(' '));
  const spread = await codesOf('CT showed retroperitoneal and mediastinal metastases.');
  assert.ok(spread.codes.includes('C78.6'), spread.codes.join(' '));
  // Nouns on both sides: the pain is not the neck's.
  const neck = await codesOf('He had pain and difficulty moving the neck.');
  assert.ok(!neck.codes.includes('M54.2'), neck.codes.join(' '));
});

test('synonyms.json: word forms the index does not use, and forms carried over from Spanish, read as the index word', async () => {
  assert.equal(termOf('proptosis'), termOf('exophthalmos'));
  assert.equal(termOf('hydrocephalia'), termOf('hydrocephalus'));
  const eye = await codesOf('Examination showed proptosis of the left eye.');
  assert.ok(eye.codes.includes('H05.20'), eye.codes.join(' '));
  const urine = await codesOf('Urinalysis showed microhematuria.');
  assert.ok(urine.codes.includes('R31.29'), urine.codes.join(' '));
  const testis = await codesOf('He was treated for a right orchiepididymitis.');
  assert.ok(testis.codes.includes('N45.3'), testis.codes.join(' '));
  const head = await codesOf('The MRI showed hydrocephalia.');
  assert.ok(head.codes.includes('G91.9'), head.codes.join(' '));
});

test('a learned phrase sharing no word with its code category needs filters.json minedUnrelatedSupport notes', () => {
  const titles = [
    { code: 'R60.0', title: 'Localized edema', billable: true },
    { code: 'B20', title: 'Human immunodeficiency virus [HIV] disease', billable: true },
    { code: 'J44.9', title: 'Chronic obstructive pulmonary disease, unspecified', billable: true },
  ];
  const builder = new DictionaryBuilder({ has: (c) => titles.some((t) => t.code === c), titles: () => titles });
  builder.addTabular();
  builder.addLexicon(
    [
      { phrase: 'total proteins', code: 'R60.0', precision: 0.3, support: 4 },
      { phrase: 'ankle edema', code: 'R60.0', precision: 0.4, support: 4 },
      { phrase: 'copies', code: 'B20', precision: 0.6, support: 5 },
      { phrase: 'copd', code: 'J44.9', precision: 0.6, support: 5 },
      { phrase: 'viral load copies', code: 'B20', precision: 0.6, support: 40 },
    ],
    'mined',
  );
  const labels = builder.build().entries.label;
  assert.ok(!labels.includes('total proteins'), labels.join(' | '));
  assert.ok(labels.includes('ankle edema'), labels.join(' | '));
  assert.ok(!labels.includes('copies'), labels.join(' | '));
  // An abbreviation is read as the words it stands for (synonyms.json).
  assert.ok(labels.includes('copd'), labels.join(' | '));
  // Well supported, it is kept whatever its words.
  assert.ok(labels.includes('viral load copies'), labels.join(' | '));
});
