import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { confidenceCalibration } from './calibration.js';
import { RANKER_FEATURES, rankedByRanker, rankerFeatures, rankerNote, SuggestionRanker, suggestionRanker, type RankerInput } from './ranker.js';
import { isMedcoderError } from '../errors.js';
import { testCodeSets } from '../testing/home.js';
import { diagnosisCoder } from './module.js';

test('the shipped ranker loads with a weight for every feature and a threshold', () => {
  const data = JSON.parse(readFileSync(new URL('../../data/coding/ranker.json', import.meta.url), 'utf8')) as { weights: Record<string, number>; threshold: number };
  assert.deepEqual(Object.keys(data.weights).sort(), [...RANKER_FEATURES].sort());
  const ranker = suggestionRanker();
  assert.ok(ranker);
  assert.ok(ranker.threshold > 0 && ranker.threshold < 1, String(ranker.threshold));
});

test('the ranker puts a well-supported diagnosis above a code that is usually wrong', () => {
  const ranker = suggestionRanker()!;
  const calibration = confidenceCalibration();
  const text = 'Assessment: essential hypertension, on treatment. Hypertension controlled. Laboratory: history of other diseases of the digestive system noted.';
  const strong: RankerInput = {
    code: 'I10',
    confidence: 0.9,
    title: 'Essential (primary) hypertension',
    evidence: [
      { start: 12, end: 34, text: 'essential hypertension', section: 'assessment' },
      { start: 50, end: 62, text: 'Hypertension', section: 'assessment' },
    ],
    rationale: [{ kind: 'index', path: 'Hypertension, hypertensive', text: 'Alphabetic Index: Hypertension, hypertensive' }],
  };
  const start = text.indexOf('history of other');
  const weak: RankerInput = {
    code: 'Z87.19',
    confidence: 0.5,
    title: 'Personal history of other diseases of the digestive system',
    evidence: [{ start, end: start + 56, text: text.slice(start, start + 56), section: 'results' }],
    rationale: [{ kind: 'tabular', path: 'Personal history of other diseases of the digestive system', text: 'Tabular List title' }],
  };
  const note = rankerNote(text, [strong, weak]);
  const a = ranker.score(rankerFeatures(strong, note, calibration));
  const b = ranker.score(rankerFeatures(weak, note, calibration));
  assert.ok(a > 0 && a < 1 && b > 0 && b < 1);
  assert.ok(a > b, `${a} should be above ${b}`);
  assert.ok(a >= ranker.threshold, `${a} is below the threshold ${ranker.threshold}`);
});

test('the ranker scores codes the words support; codes only a rule assigns keep the calibration', () => {
  assert.equal(rankedByRanker([{ kind: 'index' }, { kind: 'rule' }]), true);
  assert.equal(rankedByRanker([{ kind: 'rule' }]), false);
});

test('a ranker file with an unknown or a missing feature, or a bad threshold, is refused with a typed error', () => {
  const weights = Object.fromEntries(RANKER_FEATURES.map((f) => [f, 0]));
  assert.ok(new SuggestionRanker({ weights, threshold: 0.2 }));
  const refused = (e: unknown) => isMedcoderError(e) && e.code === 'SOURCE_MALFORMED';
  assert.throws(() => new SuggestionRanker({ weights: { ...weights, nonsense: 1 }, threshold: 0.2 }), refused);
  assert.throws(() => new SuggestionRanker({ weights: { bias: 0 }, threshold: 0.2 }), refused);
  assert.throws(() => new SuggestionRanker({ weights, threshold: 2 }), refused);
});

test('coded notes: ranked confidences order the suggestions and the threshold applies to them', async () => {
  const { coder } = await diagnosisCoder(await testCodeSets(), { date: '2026-03-01' });
  const text = 'Assessment: essential hypertension and type 2 diabetes mellitus. He mentions a history of other diseases of the digestive system.';
  const all = coder.code(text, { setting: 'inpatient', minConfidence: 0 });
  const raw = coder.code(text, { setting: 'inpatient', minConfidence: 0, calibrate: false });
  assert.deepEqual(new Set(all.codes.map((c) => c.code)), new Set(raw.codes.map((c) => c.code)));
  const i10 = all.codes.find((c) => c.code === 'I10');
  assert.ok(i10, all.codes.map((c) => c.code).join(' '));
  assert.ok(i10.confidence >= coder.ranker!.threshold);
  const kept = coder.code(text, { setting: 'inpatient' });
  for (const c of kept.codes) {
    if (rankedByRanker(c.rationale)) assert.ok(c.confidence >= coder.ranker!.threshold - 0.0005, `${c.code} ${c.confidence}`);
  }
  // Deterministic: the same note gives the same answer.
  assert.deepEqual(coder.code(text, { setting: 'inpatient' }), kept);
});
