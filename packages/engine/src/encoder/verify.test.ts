import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { loadWalk } from './encoder.js';
import { stem } from './stem.js';
import { checkCode } from './verify.js';

// Words as finish gives them to checkCode: each word and its stem.
const formsOf = (phrase: string) => new Set(phrase.split(' ').flatMap((w) => [w, stem(w)]));

/** The release in force and its search index, as a walk checks codes against them. */
async function checkedAgainst() {
  const { release, search } = (await loadWalk(await testCodeSets(), { date: '2026-03-01' })).ctx;
  assert.ok(search);
  return { release, search };
}

test('verify: choices below a header counted from the title tokens are those counted from the title text', async () => {
  const { release, search } = await checkedAgainst();
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

test('verify: checks from the ranges kept per search index are those read from the release, asked again and again', async () => {
  const { release, search } = await checkedAgainst();
  // One header after another with phrases that share many, few or no title words (the codes sharing nothing fill
  // the choices in code order), and codes whose "use additional code" notes name ranges.
  const cases: Array<[string, string]> = [
    ['S72.0', 'fracture neck femur'],
    ['S72.0', 'zebra'],
    ['S72.0', 'displaced'],
    ['N18', 'stage 3a'],
    ['E11.22', 'chronic kidney disease stage 4'],
    ['E11.22', 'end stage renal disease'],
    ['E10.22', 'stage 3b'],
    ['I12.0', 'stage 5 chronic kidney disease'],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [code, phrase] of cases) {
      const words = formsOf(phrase);
      const kept = checkCode(release, code, 'code', words, words, search);
      const read = checkCode(release, code, 'code', words, words);
      assert.deepEqual(kept, read, `${code} ${phrase} (round ${round + 1})`);
    }
  }
  const sharingNothing = checkCode(release, 'S72.0', 'code', formsOf('zebra'), formsOf('zebra'), search);
  assert.equal(sharingNothing.choices?.length, 12);
  assert.deepEqual(sharingNothing.choices?.map((c) => c.code), [...sharingNothing.choices!.map((c) => c.code)].sort());
  const ckd = checkCode(release, 'E11.22', 'code', formsOf('chronic kidney disease stage 4'), formsOf('chronic kidney disease stage 4'), search);
  assert.deepEqual(ckd.additional?.map((c) => c.code), ['N18.4']);
});
