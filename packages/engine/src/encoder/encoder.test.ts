import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMedcoderError } from '../errors.js';
import { testCodeSets } from '../testing/home.js';
import { searchCodes, loadSearch, searchLoaded } from './code-search.js';
import { loadWalk, lookupDrug, lookupIndex, lookupNeoplasm, walkLoaded } from './encoder.js';
import { pcsChoices } from './pcs-builder.js';
import { queryRewriter } from './abbreviations.js';
import { editDistance } from './spell.js';
import { preparePhrase } from './walker.js';

// Real releases of the test home (FY2026 uses the FY2017 Alphabetic Index).
const FY26 = { date: '2026-03-01' };
const FY17 = { date: '2017-06-01' };

async function walk(phrase: string, opts: { date?: string; external?: boolean } = FY26) {
  const cs = await testCodeSets();
  return lookupIndex(cs, phrase, { ...FY26, ...opts });
}

// Index paths proved on real entries: phrase → path text → code.
const PATHS: Array<[string, string, string]> = [
  ['diabetes type 2 with chronic kidney disease stage 3a', 'Diabetes, type 2, with, chronic kidney disease', 'E11.22'],
  ['type 1 diabetes', 'Diabetes, type 1', 'E10.9'],
  ['diabetes type 2 with foot ulcer', 'Diabetes, type 2, with, foot ulcer', 'E11.621'],
  ['diabetes type 2 with gastroparesis', 'Diabetes, type 2, with, gastroparesis', 'E11.43'],
  ['chronic kidney disease stage 3', 'Disease, kidney, chronic, stage 3', 'N18.3'],
  ['copd with acute exacerbation', 'Disease, pulmonary, chronic obstructive, with, exacerbation', 'J44.1'],
  ['chf', 'Failure, heart, congestive', 'I50.9'],
  ['urinary tract infection', 'Infection, urinary', 'N39.0'],
  ['acute appendicitis', 'Appendicitis, acute', 'K35.80'],
  ['nstemi', 'Infarct, myocardium, myocardial, non-ST elevation', 'I21.4'],
  ['amyloid heart', 'Amyloid heart', 'E85.4'],
  ['fall from ladder', 'Fall, from, off, out of, ladder', 'W11'],
  // "with" and "without" subterms follow the phrase's own word before the condition.
  ['migraine without aura', 'Migraine, without aura', 'G43.009'],
  ['migraine with aura', 'Migraine, with aura', 'G43.109'],
  // A comma part that varies the main word from its first word on ("alcohol-induced") asks nothing of the phrase.
  ['alcohol sleep disorder', 'Alcohol, sleep disorder', 'F10.982'],
  // Numbers of a range stand together; words a modifier could take are left for the subterm that needs them.
  ['corrosion extent 20-29 per cent with 20-29 percent third degree', 'Corrosion, extent, 20-29 per cent, with, 20-29 percent third degree', 'T32.22'],
  ['body mass index adult 21.0-21.9', 'Body, bodies, mass index, adult, 21.0-21.9', 'Z68.21'],
  ['hemorrhoids 2nd degree', 'Hemorrhoids, 2nd degree', 'K64.1'],
  ['admission adjustment pacemaker cardiac', 'Admission, adjustment, pacemaker, cardiac', 'Z45.018'],
  // The qualifier of a main term that no other main term shares its first word with need not be typed.
  ['echovirus', 'Echovirus, as cause of disease classified elsewhere', 'B97.12'],
  // A main term is looked up by its first word: "Asperger's disease or syndrome" is no way in for this phrase.
  ['syndrome vascular in cerebrovascular disease', 'Syndrome, vascular NEC in cerebrovascular disease', 'G46.8'],
  // The letter A after the word it qualifies is a word of the phrase, as the capital A of a title is.
  ['vitamin a deficiency', 'Deficiency, vitamin NOS, A', 'E50.9'],
  ['immunoglobulin a deficiency', 'Deficiency, immunoglobulin, selective, A', 'D80.2'],
  ['group a streptococcus sepsis', 'Sepsis, Streptococcus, streptococcal, group, A', 'A40.0'],
  ['blood type a', 'Blood, type, A', 'Z67.10'],
];

test('index and search: "a" is the letter A after a word the letter follows in the release\'s texts, the article elsewhere', async () => {
  const w = await loadWalk(await testCodeSets(), FY26);
  for (const lead of ['hepatitis', 'vitamin', 'group', 'type', 'immunoglobulin']) assert.ok(w.vocabulary.letterALeads.has(lead), lead);
  for (const other of ['from', 'of', 'has', 'fracture']) assert.ok(!w.vocabulary.letterALeads.has(other), other);
  const words = (q: string) => preparePhrase(q, w.vocabulary).words.map((x) => x.word);
  assert.deepEqual(words('fall from a ladder'), ['fall', 'ladder']);
  assert.deepEqual(words('history of a fracture'), ['history', 'fracture']);
  assert.deepEqual(words('a fracture'), ['fracture']);
  assert.deepEqual(words('vitamin a deficiency'), ['vitamin', 'a', 'deficiency']);
  assert.deepEqual(words('patient has a fever'), ['patient', 'has', 'fever']);
  // Search ranks the titles with the letter first.
  const top = async (q: string) => (await search(q, { systems: ['icd10cm'], limit: 3 })).hits.map((h) => h.code);
  assert.equal((await top('hepatitis a'))[0]?.startsWith('B15'), true, (await top('hepatitis a')).join(' '));
  assert.equal((await top('vitamin a deficiency'))[0], 'E50.9');
});

test('search and index: a word an abbreviation replaced is not also corrected', async () => {
  const a = await search('strep throat', { systems: ['icd10cm'], limit: 3 });
  assert.equal(a.hits[0]?.code, 'J02.0');
  assert.deepEqual(a.corrections, []);
  const w = await walk('staph aureus sepsis');
  assert.equal(w.paths[0]?.code, 'A41.01');
  assert.deepEqual(w.corrections, []);
  assert.deepEqual(w.expansions, [{ from: 'staph', to: 'staphylococcal' }]);
});

for (const [phrase, path, code] of PATHS) {
  test(`index: "${phrase}" → ${path} → ${code}`, async () => {
    const a = await walk(phrase, phrase.startsWith('fall') ? { external: true } : FY26);
    const best = a.paths[0];
    assert.ok(best, `no path for ${phrase}`);
    assert.equal(best.text, path);
    assert.equal(best.code, code);
  });
}

test('index: the issue example shows the path, E11.22, its notes and the CKD stage code for the rest of the phrase', async () => {
  const a = await walk('diabetes type 2 with chronic kidney disease stage 3a');
  assert.equal(a.release.id, 'icd10cm-2026');
  assert.equal(a.indexFrom.index, 'icd10cm-2017');
  const best = a.paths[0]!;
  assert.deepEqual(best.unmatchedWords, ['stage', '3a']);
  const check = best.checks[0]!;
  assert.equal(check.status, 'billable');
  assert.ok(check.useAdditionalCode?.some((n) => n.text.includes('N18.1-N18.6')));
  assert.ok(check.excludes1?.some((n) => n.text.includes('E10.-')));
  assert.deepEqual(check.additional?.map((c) => c.code), ['N18.31']);
  // The CKD path is offered too; N18.3 is a header in FY2026, so the stage 3a code is the first choice.
  const ckd = a.paths.find((p) => p.code === 'N18.3');
  assert.equal(ckd?.checks[0]?.status, 'needs-more-characters');
  assert.equal(ckd?.checks[0]?.choices?.[0]?.code, 'N18.31');
});

test('index: in FY2017 the same N18.3 entry is billable (the index is that release\'s own)', async () => {
  const a = await walk('chronic kidney disease stage 3', FY17);
  assert.equal(a.paths[0]?.code, 'N18.3');
  assert.equal(a.paths[0]?.checks[0]?.status, 'billable');
  assert.equal(a.indexFrom.index, 'icd10cm-2017');
});

test('index: see redirects are followed and shown', async () => {
  const shingles = (await walk('shingles')).paths[0]!;
  assert.equal(shingles.text, 'Shingles (see Herpes, zoster)');
  assert.equal(shingles.code, 'B02.9');
  assert.equal(shingles.steps[1]?.via, 'see');
  const attack = (await walk('heart attack')).paths[0]!;
  assert.equal(attack.text, 'Attack, heart (see Infarct, myocardium, myocardial)');
  assert.equal(attack.code, 'I21.3');
  const abandonment = (await walk('abandonment')).paths[0]!;
  assert.equal(abandonment.text, 'Abandonment (see Maltreatment)');
  assert.equal(abandonment.code, undefined);
  assert.ok(abandonment.subterms && abandonment.subterms.length > 0, 'subterms of Maltreatment to choose from');
  // A main term keeps the comma parts that qualify it: "Fracture, traumatic" is written "Fracture" (its implied
  // sense), the main term it refers to, "Fracture, pathological", is not.
  const pathological = (await walk('fracture due to neoplastic disease tarsus')).paths[0]!;
  assert.equal(pathological.text, 'Fracture (see also Fracture, pathological), due to, neoplastic disease NEC, tarsus');
  assert.equal(pathological.code, 'M84.57-');
  assert.equal((await walk('open wound of neck')).paths[0]?.text, 'Wound, open, neck');
});


test('index: "see condition" sends the coder to the condition, which the walk tries as a main term of its own', async () => {
  // "Duct, bile" says see condition: the condition named is found from its own main term.
  const calculus = await walk('bile duct calculus');
  assert.equal(calculus.paths[0]?.text, 'Calculus, bile duct');
  assert.equal(calculus.paths[0]?.code, 'K80.50');
  // Without a condition in the phrase the path ends at the reference, shown unresolved.
  const cystic = (await walk('cystic duct')).paths[0]!;
  assert.equal(cystic.text, 'Cystic, duct');
  assert.equal(cystic.code, undefined);
  assert.equal(cystic.unresolved, 'see condition');
  // A word that sent the coder to the condition is not taken from the condition's own subterms:
  // "psychogenic" belongs to "Action, irregular, psychogenic", not to a second walk from "Psychogenic".
  const action = await walk('action irregular psychogenic');
  assert.equal(action.paths[0]?.code, 'F45.8');
  for (const a of [calculus, action]) for (const p of a.paths) assert.ok(!p.text.includes('see condition'), p.text);
});
test('index: see also, manifestation in brackets, 7th character through the drug table', async () => {
  const flu = (await walk('flu')).paths[0]!;
  assert.equal(flu.text, 'Flu (see also Influenza)');
  const amyloid = (await walk('amyloid heart')).paths[0]!;
  assert.equal(amyloid.manifestation, 'I43');
  assert.deepEqual(amyloid.checks.map((c) => [c.role, c.code]), [['code', 'E85.4'], ['manifestation', 'I43']]);
  assert.ok(amyloid.checks[1]!.codeFirst?.length, 'a manifestation code carries code-first notes');
  const aspirin = (await walk('poisoning by aspirin')).paths[0]!;
  assert.equal(aspirin.table?.table, 'drug');
  assert.equal(aspirin.code, 'T39.011');
  assert.equal(aspirin.checks[0]?.status, 'needs-7th-character');
  assert.deepEqual(aspirin.checks[0]?.seventh?.map((s) => s.code), ['T39.011A', 'T39.011D', 'T39.011S']);
});

test('index: "see Neoplasm, malignant, by site" goes to the Table of Neoplasms', async () => {
  const p = (await walk('adenocarcinoma of lung')).paths[0]!;
  assert.equal(p.text, 'Adenocarcinoma (see Neoplasm, malignant, by site), Neoplasm, lung');
  assert.equal(p.table?.column, 'Malignant Primary');
  assert.equal(p.code, 'C34.9-');
  assert.deepEqual(p.checks[0]?.choices?.map((c) => c.code), ['C34.90', 'C34.91', 'C34.92']);
});

test('index: traumatic fracture is the default sense; an incomplete code asks for more characters', async () => {
  const p = (await walk('fracture of neck of femur')).paths[0]!;
  assert.equal(p.code, 'S72.00-');
  assert.equal(p.checks[0]?.status, 'needs-more-characters');
  assert.ok(p.checks[0]?.choices?.some((c) => c.code === 'S72.001A'));
});

test('index: typos and abbreviations', async () => {
  const a = await walk('diabetis type 2');
  assert.deepEqual(a.corrections, [{ from: 'diabetis', to: 'diabetes' }]);
  assert.equal(a.paths[0]?.code, 'E11.9');
  const b = await walk('dm2 with ckd 3a');
  assert.equal(b.paths[0]?.code, 'E11.22');
});

test('neoplasm table: site rows and behaviour columns', async () => {
  const cs = await testCodeSets();
  const lung = await lookupNeoplasm(cs, 'lung upper lobe', FY26);
  assert.equal(lung.paths[0]?.table?.row.join(', '), 'Neoplasm, neoplastic, lung, upper lobe');
  assert.equal(lung.paths[0]?.code, 'C34.1-');
  const benign = await lookupNeoplasm(cs, 'abdominal wall', { ...FY26, behavior: 'benign' });
  assert.equal(benign.paths[0]?.table?.column, 'Benign');
  assert.equal(benign.paths[0]?.code, 'D36.7');
  const secondary = await lookupNeoplasm(cs, 'liver', { ...FY26, behavior: 'secondary' });
  assert.equal(secondary.paths[0]?.code, 'C78.7');
  assert.equal(secondary.paths[0]?.checks[0]?.status, 'billable');
});

test('drug table: substance rows, intents, 7th characters still to choose', async () => {
  const cs = await testCodeSets();
  const a = await lookupDrug(cs, 'acetaminophen', FY26);
  assert.equal(a.paths[0]?.code, 'T39.1X1');
  assert.equal(a.paths[0]?.checks[0]?.seventh?.length, 3);
  const adverse = await lookupDrug(cs, 'acetaminophen', { ...FY26, use: 'adverse' });
  assert.equal(adverse.paths[0]?.code, 'T39.1X5');
  const words = await lookupDrug(cs, 'aspirin underdosing', FY26);
  assert.equal(words.paths[0]?.code, 'T39.016');
  const fq = await lookupDrug(cs, 'fluoroquinolone antibiotics', { ...FY26, use: 'intentional' });
  assert.equal(fq.paths[0]?.code, 'T36.AX2');
});

test('external cause index', async () => {
  const a = await walk('struck by baseball bat', { external: true });
  assert.equal(a.paths[0]?.code, 'W21.11');
  assert.equal(a.paths[0]?.checks[0]?.status, 'needs-7th-character');
});

async function search(q: string, opts: Parameters<typeof searchCodes>[2] = {}) {
  const cs = await testCodeSets();
  return searchCodes(cs, q, { ...FY26, ...opts });
}

test('search: code-like queries answer by prefix in code order', async () => {
  for (const q of ['E11.2', 'e112', 'E112']) {
    const a = await search(q, { systems: ['icd10cm'] });
    assert.equal(a.mode, 'code');
    assert.deepEqual(a.hits.map((h) => h.code), ['E11.2', 'E11.21', 'E11.22', 'E11.29']);
  }
  assert.deepEqual((await search('K92.2')).hits.map((h) => h.code), ['K92.2']);
  assert.deepEqual((await search('S72.001a')).hits.map((h) => h.code), ['S72.001A']);
  const pcs = await search('0DTJ4', { systems: ['icd10pcs'] });
  assert.deepEqual(pcs.hits.map((h) => h.code), ['0DTJ4ZG', '0DTJ4ZZ']);
  assert.equal((await search('J1100', { systems: ['hcpcs'], date: '2019-06-01' })).hits[0]?.code, 'J1100');
});

test('search: words, abbreviations, typos, ranking', async () => {
  const top = async (q: string, opts = {}) => (await search(q, { systems: ['icd10cm'], ...opts })).hits[0]?.code;
  assert.equal(await top('diabetes type 2 with chronic kidney disease'), 'E11.22');
  assert.equal(await top('dm2 with ckd'), 'E11.22');
  assert.equal(await top('ckd 3a'), 'N18.31');
  assert.equal(await top('htn'), 'I10');
  assert.equal(await top('copd exacerbation'), 'J44.1');
  assert.equal(await top('nstemi'), 'I21.4');
  assert.equal(await top('uti'), 'N39.0');
  assert.equal(await top('gerd without esophagitis'), 'K21.9');
  assert.equal(await top('afib', { billableOnly: true }), 'I48.91');
  assert.equal(await top('hypertensive heart disease with heart failure'), 'I11.0');
  const typo = await search('pnemonia', { systems: ['icd10cm'] });
  assert.deepEqual(typo.corrections, [{ from: 'pnemonia', to: 'pneumonia' }]);
  assert.equal(typo.hits[0]?.code, 'J18.9');
  const pcs = await search('laparoscopic appendectomy', { systems: ['icd10pcs'] });
  assert.equal(pcs.hits[0]?.code, '0DTJ4ZZ');
  const hcpcs = await search('wheelchair', { systems: ['hcpcs'], date: '2019-06-01' });
  assert.ok(hcpcs.hits.length > 0 && hcpcs.hits.every((h) => h.system === 'hcpcs'));
});

test('search: filters (billable, chapter) and the release in force', async () => {
  const a = await search('diabetes', { systems: ['icd10cm'], billableOnly: true, limit: 50 });
  assert.ok(a.hits.every((h) => h.billable));
  const c = await search('diabetes', { systems: ['icd10cm'], chapter: '15', limit: 20 });
  assert.ok(c.hits.length > 0 && c.hits.every((h) => h.chapter === '15' && h.code.startsWith('O')));
  const old = await search('ckd 3a', { systems: ['icd10cm'], date: '2017-06-01' });
  assert.equal(old.releases[0]?.release.id, 'icd10cm-2017');
  assert.ok(!old.hits.some((h) => h.code === 'N18.31'), 'N18.31 is not a FY2017 code');
});

test('bad input: empty, huge, control characters, regex metacharacters', async () => {
  assert.equal((await search('')).mode, 'empty');
  assert.equal((await search('   \t ')).hits.length, 0);
  assert.equal((await search('.*+?^${}()|[]\\')).hits.length, 0);
  const ctl = await search('diabetes\u0000\u0007\u001b[31m type 2', { systems: ['icd10cm'] });
  assert.ok(ctl.hits.length > 0);
  await assert.rejects(search('x'.repeat(10_000)), (e: unknown) => isMedcoderError(e) && e.code === 'INVALID_ARGUMENT');
  const cs = await testCodeSets();
  const { loaded } = await loadSearch(cs, FY26);
  const start = performance.now();
  searchLoaded(loaded, 'a '.repeat(400));
  searchLoaded(loaded, 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz');
  assert.ok(performance.now() - start < 200, 'long or odd queries stay fast');
  const w = await loadWalk(cs, FY26);
  assert.equal(walkLoaded(w, '').paths.length, 0);
  assert.equal(walkLoaded(w, '(((').paths.length, 0);
  assert.throws(() => walkLoaded(w, 'y'.repeat(10_000)), (e: unknown) => isMedcoderError(e) && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(search('diabetes', { systems: ['snomed'] }), (e: unknown) => isMedcoderError(e) && e.code === 'UNKNOWN_SYSTEM');
});

test('pcs builder: only valid next values, with definitions', async () => {
  const cs = await testCodeSets();
  const start = await pcsChoices(cs, '', FY26);
  assert.equal(start.next?.title, 'Section');
  const ops = await pcsChoices(cs, '0D', FY26);
  const resection = ops.next?.values.find((v) => v.value === 'T');
  assert.equal(resection?.label, 'Resection');
  assert.match(resection?.definition ?? '', /Cutting out or off, without replacement, all of a body part/);
  const approach = await pcsChoices(cs, '0DTJ', FY26);
  assert.deepEqual(approach.next?.values.map((v) => v.value), ['0', '4', '7', '8', 'F'].filter((v) => approach.next!.values.some((x) => x.value === v)));
  assert.equal(approach.chosen.at(-1)?.label, 'Appendix');
  const code = await pcsChoices(cs, '0DTJ4ZZ', FY26);
  assert.equal(code.code?.code, '0DTJ4ZZ');
  await assert.rejects(pcsChoices(cs, '0DTI', FY26), (e: unknown) => isMedcoderError(e) && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(pcsChoices(cs, '0DTY', FY26), (e: unknown) => isMedcoderError(e) && e.code === 'CODE_NOT_FOUND');
});

test('query rewriting and edit distance', () => {
  const r = queryRewriter().rewrite('CKD 3a w/o HTN, oedema');
  assert.deepEqual(r.words.filter((w) => !w.optional).map((w) => w.word), ['chronic', 'kidney', 'disease', 'stage', '3a', 'without', 'hypertension', 'edema']);
  assert.equal(editDistance('diabtes', 'diabetes'), 1);
  assert.equal(editDistance('diabeets', 'diabetes'), 1);
  assert.equal(editDistance('abc', 'xyz', 1), 2);
});
