import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMedcoderError } from '../errors.js';
import { testCodeSets } from '../testing/home.js';
import { INDEX_FILES, isIncompleteCode, loadIndexes, loadIndexesOn, normalizeTitle } from './alphabetic-index.js';

// The compiled indexes of the test home (scripts/test.mjs imports ../shared/codesets into it).

async function indexes(id: string) {
  const cs = await testCodeSets();
  return loadIndexes(cs, id);
}

test('releases hold or reference their indexes: FY2017 its own four, FY2026 its April tables and the 2017 Alphabetic Index', async () => {
  const cs = await testCodeSets();
  const m17 = cs.manifests.find((m) => m.id === 'icd10cm-2017');
  assert.ok(m17, 'icd10cm-2017 is compiled');
  for (const file of Object.values(INDEX_FILES)) assert.ok(m17.files.includes(file), `icd10cm-2017 has ${file}`);
  assert.equal(m17.counts.indexTerms, 7973 + 69226);
  assert.equal(m17.counts.neoplasmRows, 1 + 1929);
  assert.equal(m17.counts.drugRows, 5170 + 2246);
  assert.equal(m17.counts.eindexTerms, 314 + 7258);

  const m26 = cs.manifests.find((m) => m.id === 'icd10cm-2026');
  assert.ok(m26);
  assert.equal(m26.provenance?.index, 'icd10cm-2017');
  assert.ok(!m26.files.includes('index.json'));
  for (const file of ['neoplasm.json', 'drug.json', 'eindex.json']) assert.ok(m26.files.includes(file));
  assert.equal(m26.counts.drugRows, 5179 + 2251);
  assert.equal(m26.counts.neoplasmRows, 1 + 1939);
  assert.equal(m26.counts.eindexTerms, 314 + 7776);
  assert.equal(m26.counts.indexTerms, undefined);

  const m18 = cs.manifests.find((m) => m.id === 'icd10cm-2018');
  assert.ok(m18);
  for (const kind of ['index', 'neoplasm', 'drug', 'eindex']) assert.equal(m18.provenance?.[kind], 'icd10cm-2017');
});

test('main terms by title, case and punctuation ignored; modifiers and code', async () => {
  const { index } = await indexes('icd10cm-2017');
  assert.ok(index);
  assert.equal(index.size, 7973 + 69226);
  assert.equal(index.mainTerms.length, 7973);
  const d = index.mainTerm('Diabetes, diabetic');
  assert.ok(d);
  assert.equal(index.mainTerm('diabetes diabetic'), d);
  assert.equal(index.mainTerm('  DIABETES;  Diabetic. '), d);
  assert.equal(d.title, 'Diabetes, diabetic');
  assert.deepEqual(d.nemod, ['(mellitus) (sugar)']);
  assert.equal(d.printedTitle, 'Diabetes, diabetic (mellitus) (sugar)');
  assert.equal(d.code, 'E11.9');
  assert.equal(d.level, 0);
  assert.ok(d.isMainTerm);
  assert.ok(d.children.some((c) => c.title === 'type 2'));
});

test('walking subterms and the path of a term', async () => {
  const { index } = await indexes('icd10cm-2017');
  assert.ok(index);
  const path = ['Diabetes, diabetic', 'type 2', 'with', 'chronic kidney disease'];
  const ckd = index.find(path);
  assert.ok(ckd);
  assert.equal(ckd.code, 'E11.22');
  assert.deepEqual(ckd.path(), path);
  assert.equal(ckd.level, 3);
  assert.equal(ckd.mainTerm().title, 'Diabetes, diabetic');
  assert.equal(index.mainTerm('Diabetes')?.title, undefined, 'exact titles only; prefixes go through mainTermsStartingWith');
  assert.ok(index.mainTermsStartingWith('Diabetes').some((t) => t.title === 'Diabetes, diabetic'));
  const type2 = index.mainTerm('diabetes diabetic')!.child('Type 2');
  assert.equal(type2?.find(['with', 'Chronic Kidney Disease']), ckd);
  assert.equal(ckd.parent?.title, 'with');
  assert.equal(index.find(['Diabetes, diabetic', 'no such subterm']), undefined);
  // Every entry is reachable through children, depth first.
  let n = 0;
  for (const _ of index.walk()) n++;
  assert.equal(n, index.size);
});

test('manifestation code, see and see also', async () => {
  const { index } = await indexes('icd10cm-2017');
  assert.ok(index);
  const amyloid = index.mainTerm('Amyloid heart');
  assert.equal(amyloid?.code, 'E85.4');
  assert.equal(amyloid?.manif, 'I43');
  assert.equal(amyloid?.printedTitle, 'Amyloid heart (disease)');
  assert.equal(index.mainTerm('Abandonment')?.see, 'Maltreatment');
  assert.equal(index.mainTerm('Abandonment')?.code, undefined);
  assert.equal(index.mainTerm('Abdomen, abdominal')?.seeAlso, 'condition');
  assert.equal(index.mainTerm('Aberrant')?.seeAlso, 'Malposition, congenital');
  let seeCat = 0;
  let subcat = 0;
  for (const t of index.walk()) {
    if (t.seeCat) seeCat++;
    if (t.subcat) subcat++;
  }
  assert.equal(seeCat, 15);
  assert.equal(subcat, 130);
});

test('neoplasm table: a site row with its six columns named by the file', async () => {
  const { neoplasm } = await indexes('icd10cm-2017');
  assert.ok(neoplasm);
  assert.deepEqual(neoplasm.columns, ['Neoplasm', 'Malignant Primary', 'Malignant Secondary', 'Ca in situ', 'Benign', 'Uncertain Behavior', 'Unspecified Behavior']);
  const row = neoplasm.site(['abdomen, abdominal']);
  assert.ok(row);
  assert.deepEqual(row.path, ['Neoplasm, neoplastic', 'abdomen, abdominal']);
  assert.deepEqual(row.cells, {
    'Malignant Primary': 'C76.2',
    'Malignant Secondary': 'C79.8-',
    'Ca in situ': 'D09.8',
    Benign: 'D36.7',
    'Uncertain Behavior': 'D48.7',
    'Unspecified Behavior': 'D49.89',
  });
  assert.ok(isIncompleteCode(row.cells['Malignant Secondary']!));
  assert.equal(neoplasm.site('Abdomen Abdominal')?.term, row.term);
  assert.equal(neoplasm.site(['Neoplasm, neoplastic', 'abdomen, abdominal'])?.term, row.term);
  assert.equal(row.term.cell('ca in situ'), 'D09.8');
  assert.equal(row.term.cell(2), 'C76.2');
  const tissue = neoplasm.site(['abdomen, abdominal', 'wall', 'connective tissue']);
  assert.equal(tissue?.cells['Ca in situ'], null, '"-" means no code');
  assert.equal(neoplasm.site([])?.cells['Malignant Primary'], 'C80.1', 'the main term row: site unspecified');
  assert.equal(neoplasm.site(['no such site']), undefined);
});

test('drug table: a substance row from the 2017 table and from the April 2026 table', async () => {
  const i17 = await indexes('icd10cm-2017');
  const i26 = await indexes('icd10cm-2026');
  assert.equal(i17.from.drug, 'icd10cm-2017');
  assert.equal(i26.from.drug, 'icd10cm-2026');
  assert.equal(i26.drug?.version, 2026);
  const acetaminophen = (names: readonly string[]) => Object.fromEntries(names.slice(1).map((n, i) => [n, `T39.1X${i + 1}`]));
  // The 2026 headings drop the comma after "Poisoning"; each table keeps its own.
  assert.equal(i17.drug?.columns[1], 'Poisoning, Accidental (unintentional)');
  assert.equal(i26.drug?.columns[1], 'Poisoning Accidental (unintentional)');
  assert.deepEqual(i17.drug?.substance('Acetaminophen')?.cells, acetaminophen(i17.drug!.columns));
  assert.deepEqual(i26.drug?.substance('acetaminophen')?.cells, acetaminophen(i26.drug!.columns));
  assert.deepEqual(Object.values(i26.drug!.substance('Acetaminophen')!.cells), ['T39.1X1', 'T39.1X2', 'T39.1X3', 'T39.1X4', 'T39.1X5', 'T39.1X6']);
  // Columns are also found by normalised heading, so either year's spelling reads both tables.
  for (const d of [i17.drug!, i26.drug!]) {
    const t = d.mainTerm('Acetaminophen')!;
    assert.equal(t.cell('Poisoning, Accidental (unintentional)'), 'T39.1X1');
    assert.equal(t.cell('poisoning accidental unintentional'), 'T39.1X1');
    assert.equal(t.cell('Underdosing'), 'T39.1X6');
  }
  assert.equal(i17.drug?.substance('Fluoroquinolone antibiotics'), undefined);
  assert.deepEqual(Object.values(i26.drug!.substance('Fluoroquinolone antibiotics')!.cells), ['T36.AX1', 'T36.AX2', 'T36.AX3', 'T36.AX4', 'T36.AX5', 'T36.AX6']);
  const propanol = i26.drug?.substance('1-propanol');
  assert.equal(propanol?.cells['Adverse effect'], null, '"--" means no code');
  assert.equal(i26.drug?.substances('2,4-D').length, 2, 'listed under "#" and under "D"');
  // A substance with a subterm path.
  const sub = i26.drug?.mainTerms.find((t) => t.children.length > 0 && t.children[0]!.raw.v);
  assert.ok(sub);
  const child = sub.children[0]!;
  assert.deepEqual(i26.drug?.substance([sub.title, child.title])?.path, [sub.title, child.title]);
});

test('external cause index: a term and its code', async () => {
  const i17 = await indexes('icd10cm-2017');
  const i26 = await indexes('icd10cm-2026');
  assert.equal(i17.eindex?.find(['Accident', 'bare foot water skiier'])?.code, 'V94.4');
  const abandonment = i26.eindex?.mainTerm('Abandonment NEC');
  assert.equal(abandonment?.code, 'X58');
  assert.equal(abandonment?.printedTitle, 'Abandonment (causing exposure to weather conditions) (with intent to injure or kill) NEC');
  assert.equal(i26.eindex?.source.includes('April-1-2026'), true);
  assert.equal(i26.eindex?.size, 314 + 7776);
});

test('FY2026 uses the 2017 Alphabetic Index: the same loaded copy, named in `from`', async () => {
  const i17 = await indexes('icd10cm-2017');
  const i26 = await indexes('icd10cm-2026');
  const i18 = await indexes('icd10cm-2018');
  assert.equal(i26.from.index, 'icd10cm-2017');
  assert.equal(i26.index, i17.index, 'loaded once, shared');
  assert.equal(i26.index?.release, 'icd10cm-2017');
  assert.notEqual(i26.neoplasm, i17.neoplasm);
  assert.deepEqual(i18.from, { index: 'icd10cm-2017', neoplasm: 'icd10cm-2017', drug: 'icd10cm-2017', eindex: 'icd10cm-2017' });
  assert.equal(i18.drug, i17.drug);
  const cs = await testCodeSets();
  const onDate = await loadIndexesOn(cs, { date: '2026-03-01' });
  assert.equal(onDate.release, 'icd10cm-2026');
  assert.equal(onDate.drug, i26.drug);
});

test('unknown and non-ICD-10-CM releases are refused with typed errors', async () => {
  const cs = await testCodeSets();
  await assert.rejects(loadIndexes(cs, 'icd10cm-1999'), (e: unknown) => isMedcoderError(e) && e.code === 'RELEASE_NOT_FOUND');
  const other = cs.manifests.find((m) => m.system !== 'icd10cm');
  if (other) await assert.rejects(loadIndexes(cs, other.id), (e: unknown) => isMedcoderError(e) && e.code === 'INVALID_ARGUMENT');
});

test('every main term is found by its own title', async () => {
  const { index } = await indexes('icd10cm-2017');
  assert.ok(index);
  const titles = index.mainTerms.map((t) => t.title);
  let found = 0;
  for (const t of titles) if (index.mainTerm(t)) found++;
  assert.equal(found, titles.length);
});

test('normalizeTitle', () => {
  assert.equal(normalizeTitle('Diabetes, diabetic'), 'diabetes diabetic');
  assert.equal(normalizeTitle('  Sjögren-Larsson  '), 'sjogren larsson');
  assert.equal(normalizeTitle('2,4-D'), '2 4 d');
});
