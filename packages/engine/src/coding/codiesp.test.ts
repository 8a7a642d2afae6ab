import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { diagnosisCoder } from './module.js';
import { CodeMatcher, scoreCodiEsp } from './codiesp.js';
import { goldFate } from './gold-fate.js';

// CodiEsp gold is of FY2018 and written without the 7th character of injury and external-cause codes.
async function matcher2018() {
  const { coder } = await diagnosisCoder(await testCodeSets(), { date: '2018-06-01' });
  return new CodeMatcher(coder.release);
}

test('CodiEsp code keys: the 7th character and placeholder X are dropped, whether stored as extension or as code', async () => {
  const m = await matcher2018();
  // Extension codes of a subcategory.
  assert.equal(m.key('S06.9X0A'), m.key('s06.9x0'));
  // Codes the release stores with their placeholders (T14.8XXA, X58.XXXA, W19.XXXA): same key as the gold's short form.
  for (const [full, gold] of [['T14.8XXA', 't14.8'], ['T14.90XA', 't14.90'], ['X58.XXXA', 'x58'], ['W19.XXXA', 'w19']] as const) {
    assert.equal(m.key(full), m.key(gold), full);
    assert.ok(m.valid(m.key(gold)), gold);
  }
  // Ordinary codes keep every character.
  assert.equal(m.key('I50.33'), 'i50.33');
  assert.notEqual(m.key('E11.9'), m.key('E11.22'));
});

test('CodiEsp scoring counts a placeholder-stored injury code as a hit on its short gold form', async () => {
  const m = await matcher2018();
  const s = scoreCodiEsp(new Map([['d', ['t14.8', 'x58']]]), new Map([['d', ['T14.8XXA', 'R52', 'X58.XXXA']]]), m);
  assert.equal(s.codes.truePositives, 2);
  assert.equal(s.unmatchableGold, 0);
  assert.ok(Math.abs(s.map - (1 / 1 + 2 / 3) / 2) < 1e-9);
});

test('where gold codes went: suggested, suppressed by reason, a sibling of the category, or not found', async () => {
  const m = await matcher2018();
  const gold = new Map([['d', ['e11.9', 'r50.9', 'i10', 'j18.9', 'k35.80', 'u07.1']]]);
  const coded = new Map([['d', { codes: ['E11.9', 'J18.1', 'R50.9'], suppressed: [{ code: 'R50.9', reason: 'negated' }, { code: 'I10', reason: 'negated' }, { code: 'I10', reason: 'family' }] }]]);
  const f = goldFate(gold, coded, m);
  // u07.1 is no code of FY2018, so it counts nowhere.
  assert.deepEqual({ ...f, ceiling: undefined }, { gold: 5, suggested: 2, suppressed: { negated: 1 }, sibling: 1, absent: 1, ceiling: undefined });
  // A perfect ranking finds 2 (or 3 with the suppressed) of the note's 6 gold codes, the unmatchable one included as scoring does.
  assert.ok(Math.abs(f.ceiling.suggested - 2 / 6) < 1e-9 && Math.abs(f.ceiling.candidates - 3 / 6) < 1e-9);
});
