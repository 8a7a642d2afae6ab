import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bareIcd9, icd9ShapeProblems, normalizeIcd9 } from './code.js';
import { describeHead, fiscalYearFromVersionName } from './descriptions.js';

test('ICD-9-CM diagnoses: the dot after three characters, after four for E codes', () => {
  assert.equal(normalizeIcd9('icd9cm', '25000'), '250.00');
  assert.equal(normalizeIcd9('icd9cm', ' 250.00 '), '250.00');
  assert.equal(normalizeIcd9('icd9cm', 'e8490'), 'E849.0');
  assert.equal(normalizeIcd9('icd9cm', 'v5867'), 'V58.67');
  assert.equal(normalizeIcd9('icd9cm', '042'), '042');
  assert.equal(normalizeIcd9('icd9cm', '1.9'), '001.9');
  assert.equal(bareIcd9('icd9cm', 'V1.2'), 'V012');
});

test('ICD-9-CM procedures: the dot after two characters', () => {
  assert.equal(normalizeIcd9('icd9pcs', '0331'), '03.31');
  assert.equal(normalizeIcd9('icd9pcs', '3.31'), '03.31');
  assert.equal(normalizeIcd9('icd9pcs', '016'), '01.6');
});

test('shape problems', () => {
  assert.deepEqual(icd9ShapeProblems('icd9cm', '25000'), []);
  assert.deepEqual(icd9ShapeProblems('icd9cm', 'E8490'), []);
  assert.equal(icd9ShapeProblems('icd9cm', '')[0]?.code, 'EMPTY');
  assert.equal(icd9ShapeProblems('icd9cm', 'E84900')[0]?.code, 'INVALID_FORMAT');
  assert.equal(icd9ShapeProblems('icd9cm', 'A000')[0]?.code, 'INVALID_FORMAT');
  assert.equal(icd9ShapeProblems('icd9cm', '25#')[0]?.code, 'INVALID_CHARACTER');
  assert.deepEqual(icd9ShapeProblems('icd9pcs', '0331'), []);
  assert.equal(icd9ShapeProblems('icd9pcs', '03311')[0]?.code, 'INVALID_FORMAT');
});

test('description files are told apart by content: diagnoses or procedures, long or short titles', () => {
  const dxLong = ['0010  Cholera due to vibrio cholerae', '0011  Cholera due to vibrio cholerae el tor', '00320 Localized salmonella infection, unspecified'];
  assert.deepEqual(describeHead(dxLong), { system: 'icd9cm', titles: 'long' });
  assert.deepEqual(describeHead(['0010  Cholera d/t vib cholerae', '0019  Cholera NOS', 'V5867 Long-term use of insulin']), { system: 'icd9cm', titles: 'short' });
  assert.deepEqual(describeHead(['0001 Therapeutic ultrasound of vessels of head and neck', '016  Excision of lesion of skull', '0331 Spinal tap']), { system: 'icd9pcs', titles: 'long' });
  assert.deepEqual(describeHead(['0001 Ther ult head & neck ves', '0331 Spinal tap', '016  Excision lesion skull']), { system: 'icd9pcs', titles: 'short' });
  // GEM rows and ICD-10-CM code lists are not description files.
  assert.equal(describeHead(['0010  A000    00000', '0011  A001    00000', '0019  A009    00000']), null);
  assert.equal(describeHead(['A000    Cholera due to Vibrio cholerae 01, biovar cholerae', 'A001 x', 'A009 y']), null);
  assert.equal(describeHead(['', 'garbage', '\u0000']), null);
});

test('the CMS version in a name gives the fiscal year (v32 → FY2015)', () => {
  assert.deepEqual(fiscalYearFromVersionName('CMS32_DESC_LONG_DX.txt', 'icd9cm/v32/cms_v32.zip'), { version: 32, year: 2015 });
  assert.deepEqual(fiscalYearFromVersionName('descriptions.txt', 'icd9cm/cms_v31.zip'), { version: 31, year: 2014 });
  assert.equal(fiscalYearFromVersionName('CMS-HCC.txt', 'hcc'), undefined);
});
