import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { loadWalk } from './encoder.js';
import { stem } from './stem.js';
import { checkCode } from './verify.js';

// Words as finish gives them to checkCode: each word and its stem.
const formsOf = (phrase: string) => new Set(phrase.split(' ').flatMap((w) => [w, stem(w)]));

test('verify: choices below a header counted from the title tokens are those counted from the title text', async () => {
  const w = await loadWalk(await testCodeSets(), { date: '2026-03-01' });
  const { release, search } = w.ctx;
  assert.ok(search);
  // "ureteritis" stems to "ureter", which the stemmer does not keep ("uret"): a title's "ureter" still counts.
  const cases: Array<[string, string]> = [
    ['N20', 'calculus ureteritis'],
    ['S82.22', 'fracture tibia transverse'],
    ['S72.1', 'fracture trochanteric femur'],
    ['E11.2', 'diabetes with kidney complication'],
    ['T80.2', 'infection catheterization'],
  ];
  for (const [code, phrase] of cases) {
    const words = formsOf(phrase);
    const fromTokens = checkCode(release, code, 'code', words, words, search);
    const fromText = checkCode(release, code, 'code', words, words);
    assert.equal(fromTokens.status, 'needs-more-characters', code);
    assert.ok(fromTokens.choices?.length, code);
    assert.deepEqual(fromTokens.choices, fromText.choices, `${code} ${phrase}`);
  }
  const ureter = checkCode(release, 'N20', 'code', formsOf('calculus ureteritis'), formsOf('calculus ureteritis'), search);
  // Without the title's "ureter" counted, N20.0 (calculus of kidney) would tie with N20.1 and come first.
  assert.deepEqual(ureter.choices?.slice(0, 3).map((c) => c.code), ['N20.2', 'N20.1', 'N20.0']);
});
