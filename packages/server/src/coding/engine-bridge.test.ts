/**
 * The server's one integration point with the engine: whatever entry points
 * the engine exports (diagnosis coding, search), answers come back with
 * evidence that points at the right words of the right document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addHccExplanations, codeDocuments, engineFeatures, fallbackCoding, searchCodes, validationEdits, type BridgeCode } from './engine-bridge.js';
import { testCodeSets } from '../testing/harness.js';

const H_AND_P = 'HISTORY AND PHYSICAL\nCHIEF COMPLAINT: cough and fever.\nNo chest pain.\n';
const ASSESSMENT = 'ASSESSMENT AND PLAN:\n1. Pneumonia of the right lower lobe.\n2. Type 2 diabetes mellitus with hyperglycemia.\n3. Essential hypertension.\n';

test('engine features are reported', () => {
  const f = engineFeatures();
  assert.match(f['coding']!, /^(engine|fallback):/);
  assert.match(f['search']!, /^(engine|fallback):/);
});

test('coding two documents: evidence offsets point into the document they came from', async () => {
  const cs = await testCodeSets();
  const docs = [{ text: H_AND_P }, { text: ASSESSMENT }];
  for (const coder of [codeDocuments, fallbackCoding]) {
    const r = await coder(cs, { documents: docs, setting: 'inpatient', date: '2026-03-02' });
    const active = r.codes.filter((c) => !c.suppressReason);
    assert.ok(active.length >= 2, `${r.engine}: ${JSON.stringify(r.codes.map((c) => c.code))}`);
    assert.ok(active.some((c) => c.code.startsWith('I10')), `${r.engine} finds essential hypertension`);
    for (const c of r.codes) {
      assert.match(c.code, /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/);
      for (const e of c.evidence) {
        assert.equal(docs[e.doc]!.text.slice(e.start, e.end), e.text, `${r.engine} ${c.code}`);
      }
    }
    for (const kind of ['diagnosis', 'procedure', 'service']) {
      const seq = active.filter((c) => c.kind === kind).map((c) => c.sequence ?? 0);
      assert.ok(seq.every((n, i) => i === 0 || n >= seq[i - 1]!), `${kind} sequence ${seq.join(',')}`);
    }
  }
});

test('the fallback suppresses negated mentions with their reason', async () => {
  const cs = await testCodeSets();
  const r = await fallbackCoding(cs, { documents: [{ text: 'The patient denies chest pain. Essential hypertension.' }], setting: 'outpatient', date: '2026-03-02' });
  const chest = r.codes.find((c) => c.code === 'R07.9');
  assert.match(chest?.suppressReason ?? '', /negated/);
});

test('search answers by words and by code prefix', async () => {
  const cs = await testCodeSets();
  const w = await searchCodes(cs, 'diabetes chronic kidney', { system: 'icd10cm', date: '2026-03-02', limit: 10 });
  assert.ok(w.hits.some((h) => h.code === 'E11.22'), JSON.stringify(w.hits.map((h) => h.code)));
  const c = await searchCodes(cs, 'E11.2', { system: 'icd10cm', date: '2026-03-02', limit: 10 });
  assert.ok(c.hits.every((h) => h.code.startsWith('E11.2')));
});

test('built-in edits: not billable with the codes below as fixes; inpatient POA; duplicates', async () => {
  const cs = await testCodeSets();
  const r = await validationEdits(cs, { setting: 'inpatient', date: '2026-03-02', codes: [
    { system: 'icd10cm', code: 'E11.2', sequence: 1, kind: 'diagnosis', poa: 'Y' },
    { system: 'icd10cm', code: 'I10', sequence: 2, kind: 'diagnosis', poa: null },
    { system: 'icd10cm', code: 'I10', sequence: 3, kind: 'diagnosis', poa: 'Y' },
  ] });
  const rules = r.findings.map((f) => f.rule);
  assert.ok(rules.includes('INVALID_CODE:NOT_BILLABLE'));
  assert.ok(rules.includes('POA_MISSING'));
  assert.ok(rules.includes('DUPLICATE_CODE'));
  const nb = r.findings.find((f) => f.rule === 'INVALID_CODE:NOT_BILLABLE')!;
  assert.ok(nb.fixes.some((f) => f.replacement === 'E11.22'));
});

test('CMS-HCC explanations for a Medicare patient\'s diagnoses; none for other payers', async () => {
  const cs = await testCodeSets();
  const mk = (code: string): BridgeCode => ({ system: 'icd10cm', code, title: '', kind: 'diagnosis', sequence: 1, confidence: 1, rationale: '', evidence: [], suppressReason: null });
  const codes = [mk('E11.22'), mk('I10')];
  const done = await addHccExplanations(cs, { birthDate: '1950-05-01', sex: 'F', payer: 'Medicare', date: '2026-03-02' }, codes);
  assert.equal(done, true);
  assert.match(String(codes[0]!.details?.['hcc']), /^HCC \d+ Diabetes/);
  assert.equal(codes[1]!.details?.['hcc'], undefined, 'I10 maps to no HCC');
  const other = [mk('E11.22')];
  assert.equal(await addHccExplanations(cs, { birthDate: '1950-05-01', sex: 'F', payer: 'Aetna HMO', date: '2026-03-02' }, other), false);
  assert.equal(other[0]!.details, undefined);
});
