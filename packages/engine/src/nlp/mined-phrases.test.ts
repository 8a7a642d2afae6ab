import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restatedPhrases } from './mined-phrases.js';

test('restated phrases: a phrase found only inside a longer one, in the same documents, gives way to it', () => {
  const docsOf = new Map<string, number[]>([
    ['cutan mucous membran', [1, 4, 7]],
    ['cutan mucous', [1, 4, 7]],
    // Found in one more document: it says something of its own and stays.
    ['mucous membran', [1, 4, 7, 9]],
    // Same documents but not a part of the longer phrase: stays.
    ['pallor', [1, 4, 7]],
    ['cutan', [1, 2, 4, 7]],
  ]);
  assert.deepEqual([...restatedPhrases(docsOf)], ['cutan mucous']);
});

test('restated phrases: phrases of equal length in the same documents are both kept', () => {
  const docsOf = new Map<string, number[]>([
    ['abdomin pain', [0, 3]],
    ['pain abdomin', [0, 3]],
  ]);
  assert.equal(restatedPhrases(docsOf).size, 0);
});
