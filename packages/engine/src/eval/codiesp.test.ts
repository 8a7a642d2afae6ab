import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutCodes, normalizeCodiespCode, scoreCodiesp } from './codiesp.js';

test('CodiEsp scoring: MAP over ranked codes and micro precision, recall and F1', () => {
  const gold = new Map([
    ['a', ['0DTJ4ZZ', 'BW20']],
    ['b', ['0FT44ZZ']],
  ]);
  const pred = new Map([
    ['a', ['BW20', 'XXXX', '0DTJ4ZZ']],
    ['b', ['YYYY']],
  ]);
  const s = scoreCodiesp(pred, gold);
  // a: hits at ranks 1 and 3 → (1/1 + 2/3) / 2; b: 0.
  assert.ok(Math.abs(s.map - (1 + 2 / 3) / 2 / 2) < 1e-9);
  assert.deepEqual([s.tp, s.fp, s.fn, s.docs], [2, 2, 1, 2]);
  assert.ok(Math.abs(s.f1 - (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3)) < 1e-9);
});

test('CodiEsp scoring on 4-character prefixes: both sides cut, duplicates after cutting dropped', () => {
  const gold = new Map([['a', ['0DTJ', 'BW40ZZZ']]]);
  const pred = new Map([['a', ['0DTJ4ZZ', '0DTJ0ZZ', 'BW40ZZZ']]]);
  assert.deepEqual(cutCodes(pred.get('a')!, 4), ['0DTJ', 'BW40']);
  const s = scoreCodiesp(pred, gold, 4);
  assert.deepEqual([s.tp, s.fp, s.fn], [2, 0, 0]);
  assert.equal(s.map, 1);
  assert.equal(scoreCodiesp(pred, gold).tp, 1);
  assert.equal(normalizeCodiespCode(' bw40zzz '), 'BW40ZZZ');
});
