import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemDirectionOfHead, parseGemLine } from './gem-file.js';

test('GEM rows: source, target, flags; no-map targets are empty with the no-map flag', () => {
  assert.deepEqual(parseGemLine('25000 E119    10000'), { source: '25000', target: 'E119', flags: '10000' });
  assert.deepEqual(parseGemLine('36570 NoDx    11000\r'), { source: '36570', target: '', flags: '11000' });
  // Some PCS rows name no target without setting the flag.
  assert.deepEqual(parseGemLine('XR2G021 NoI9  10000'), { source: 'XR2G021', target: '', flags: '11000' });
  assert.deepEqual(parseGemLine('T8853XD v5889 10000'), { source: 'T8853XD', target: 'V5889', flags: '10000' });
  assert.equal(parseGemLine('0010  Cholera due to vibrio cholerae'), null);
  assert.equal(parseGemLine(''), null);
});

test('direction by content', () => {
  assert.equal(gemDirectionOfHead(['A000    0010  00000', 'A001    0011  00000', 'A009    0019  00000']), 'icd10cm-icd9cm');
  assert.equal(gemDirectionOfHead(['0010  A000    00000', '0011  A001    00000', '0019  A009    00000']), 'icd9cm-icd10cm');
  assert.equal(gemDirectionOfHead(['0016070 0231  10000', '0016071 0231  10000', '0016072 0232  10000']), 'icd10pcs-icd9pcs');
  assert.equal(gemDirectionOfHead(['0001  6A750Z4 10000', '0001  6A751Z4 10000', '0002  6A750Z5 10000']), 'icd9pcs-icd10pcs');
  assert.equal(gemDirectionOfHead(['0010  Cholera due to vibrio cholerae', '0011  x', '0019  y']), null);
  assert.equal(gemDirectionOfHead(['garbage', '\u0000', '']), null);
});
