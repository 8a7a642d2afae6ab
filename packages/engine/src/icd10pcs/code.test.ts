import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixLookalikes, isPcsShaped, normalizePcs, pcsShapeProblems } from './code.js';
import { detectPcsOrder, detectPcsXml } from './module.js';

test('normalizePcs: upper case, spaces, dots and dashes removed', () => {
  assert.equal(normalizePcs(' 0dtj4zz '), '0DTJ4ZZ');
  assert.equal(normalizePcs('0DT-J4Z-Z'), '0DTJ4ZZ');
  assert.equal(normalizePcs('0DT.J4ZZ'), '0DTJ4ZZ');
  assert.equal(normalizePcs('0 D T J 4 Z Z'), '0DTJ4ZZ');
  assert.equal(normalizePcs('０ＤＴＪ４ＺＺ'), '0DTJ4ZZ'); // full-width characters
  assert.equal(normalizePcs(''), '');
});

test('pcsShapeProblems: EMPTY, INVALID_CHARACTER with the position (I and O named), INVALID_FORMAT with the length', () => {
  assert.deepEqual(pcsShapeProblems('', ''), [{ code: 'EMPTY', message: 'no code given' }]);
  const o = pcsShapeProblems('ODTJ4ZZ', 'ODTJ4ZZ');
  assert.equal(o.length, 1);
  assert.equal(o[0]!.code, 'INVALID_CHARACTER');
  assert.equal(o[0]!.position, 1);
  assert.match(o[0]!.message, /letters I and O/);
  const i = pcsShapeProblems('0DTJ4ZI', '0DTJ4ZI');
  assert.equal(i[0]!.position, 7);
  assert.equal(i[0]!.character, 'I');
  // Every offending position is reported.
  assert.deepEqual(pcsShapeProblems('0IT O4ZZ', '0ITO4ZZ').map((p) => p.position), [2, 4]);
  const star = pcsShapeProblems('0DT*4ZZ', '0DT*4ZZ');
  assert.equal(star[0]!.code, 'INVALID_CHARACTER');
  assert.equal(star[0]!.position, 4);
  const short = pcsShapeProblems('0DTJ4Z', '0DTJ4Z');
  assert.equal(short[0]!.code, 'INVALID_FORMAT');
  assert.equal(short[0]!.length, 6);
  assert.match(short[0]!.message, /has 6/);
  assert.equal(pcsShapeProblems('0DTJ4ZZZ', '0DTJ4ZZZ')[0]!.length, 8);
  assert.deepEqual(pcsShapeProblems('0DTJ4ZZ', '0DTJ4ZZ'), []);
});

test('isPcsShaped and fixLookalikes', () => {
  assert.ok(isPcsShaped('0DTJ4ZZ'));
  assert.ok(isPcsShaped('0DT'));
  assert.ok(isPcsShaped('XW033E5'));
  assert.ok(!isPcsShaped('A000')); // ICD-10-CM
  assert.ok(!isPcsShaped('A00'));
  assert.ok(!isPcsShaped('0DTJ4Z'));
  assert.ok(!isPcsShaped('0DTI4ZZ'));
  assert.ok(!isPcsShaped('E000000')); // no section E
  assert.equal(fixLookalikes('ODTJIZZ'), '0DTJ1ZZ');
});

test('detectPcsXml: by root element, year from <version>', () => {
  const head = (root: string) => `<?xml version="1.0" encoding="utf-8"?>\n<${root}>\n  <version>2026</version>\n  <title>x</title>\n`;
  assert.deepEqual(detectPcsXml(head('ICD10PCS.tabular')), { kind: 'icd10pcs.tables', system: 'icd10pcs', year: 2026 });
  assert.deepEqual(detectPcsXml(head('ICD10PCS.definitions')), { kind: 'icd10pcs.definitions', system: 'icd10pcs', year: 2026 });
  assert.ok(detectPcsXml(head('ICD10PCS.index'))?.ignore);
  assert.equal(detectPcsXml(head('ICD10CM.tabular')), null);
  assert.equal(detectPcsXml('00001 001     0 Central Nervous System'), null);
});

test('detectPcsOrder: PCS order file and code list by content; CM order files and GEMs are not PCS', () => {
  const pcsOrder = [
    '00001 001     0 Central Nervous System and Cranial Nerves, Bypass            Central Nervous System and Cranial Nerves, Bypass',
    '00002 0016070 1 Bypass Cereb Vent to Nasophar with Autol Sub, Open Approach  Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach',
    '00003 0016071 1 Bypass Cereb Vent to Mastoid Sinus w Autol Sub, Open         Bypass Cerebral Ventricle to Mastoid Sinus with Autologous Tissue Substitute, Open Approach',
    '00004 0016072 1 Bypass Cereb Vent to Atrium with Autol Sub, Open Approach    Bypass Cerebral Ventricle to Atrium with Autologous Tissue Substitute, Open Approach',
    '',
  ].join('\r\n');
  assert.deepEqual(detectPcsOrder(pcsOrder), { kind: 'icd10pcs.order', system: 'icd10pcs' });

  const codeList = [
    '0016070 Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach',
    '0016071 Bypass Cerebral Ventricle to Mastoid Sinus with Autologous Tissue Substitute, Open Approach',
    '0016072 Bypass Cerebral Ventricle to Atrium with Autologous Tissue Substitute, Open Approach',
    '',
  ].join('\n');
  const list = detectPcsOrder(codeList);
  assert.equal(list?.kind, 'icd10pcs.order');
  assert.match(list?.ignore ?? '', /code list/);

  const cmOrder = [
    '00001 A00     0 Cholera                                                      Cholera',
    '00002 A000    1 Cholera due to Vibrio cholerae 01, biovar cholerae           Cholera due to Vibrio cholerae 01, biovar cholerae',
    '00003 A001    1 Cholera due to Vibrio cholerae 01, biovar eltor              Cholera due to Vibrio cholerae 01, biovar eltor',
    '',
  ].join('\n');
  assert.equal(detectPcsOrder(cmOrder), null);

  const gem = ['0016070 0231  10000', '0016071 0231  10000', '0016072 0231  10000', ''].join('\n');
  assert.equal(detectPcsOrder(gem), null);
});
