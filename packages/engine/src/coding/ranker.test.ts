import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfidenceCalibration, confidenceCalibration, evidenceKey } from './calibration.js';
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

test('note features: a mention inside another code\'s longer mention, a category shared with another code, the first sentence', () => {
  const text = 'Chest pain since morning. Type 2 diabetes with hyperglycemia and type 2 diabetes with kidney complications.';
  const calibration = new ConfidenceCalibration({ prior: 4, codes: {} });
  const chest: RankerInput = { code: 'R07.9', confidence: 0.8, title: 'Chest pain, unspecified', evidence: [{ start: 0, end: 10, text: 'Chest pain', section: 'body' }], rationale: [{ kind: 'index', text: 'Pain > chest' }] };
  const pain: RankerInput = { code: 'R52', confidence: 0.8, title: 'Pain, unspecified', evidence: [{ start: 6, end: 10, text: 'pain', section: 'body' }], rationale: [{ kind: 'index', text: 'Pain' }] };
  const e65: RankerInput = { code: 'E11.65', confidence: 0.8, title: 'Type 2 diabetes mellitus with hyperglycemia', evidence: [{ start: 26, end: 63, text: text.slice(26, 63), section: 'body' }], rationale: [{ kind: 'index', text: 'Diabetes' }] };
  const e29: RankerInput = { code: 'E11.29', confidence: 0.8, title: 'Type 2 diabetes mellitus with other diabetic kidney complication', evidence: [{ start: 68, end: 110, text: text.slice(68, 110), section: 'body' }], rationale: [{ kind: 'index', text: 'Diabetes' }] };
  const note = rankerNote(text, [chest, pain, e65, e29]);
  const f = (c: RankerInput, name: (typeof RANKER_FEATURES)[number]) => rankerFeatures(c, note, calibration)[RANKER_FEATURES.indexOf(name)];
  assert.equal(f(pain, 'nested'), 1);
  assert.equal(f(chest, 'nested'), 0);
  assert.equal(f(e65, 'sameCategory'), 1);
  assert.equal(f(chest, 'sameCategory'), 0);
  assert.equal(f(chest, 'firstSentence'), 1);
  assert.equal(f(e29, 'firstSentence'), 0);
});

test('the evidence prior reads the counts of the code with the words of its mention, whatever their case and spacing', () => {
  const calibration = new ConfidenceCalibration({ prior: 4, codes: { R52: [20, 2] }, evidence: { [evidenceKey('R52', 'Pain')]: [10, 0], [evidenceKey('R52', 'generalized  pain')]: [4, 4] } });
  assert.deepEqual(calibration.evidenceCounts('R52', 'PAIN'), [10, 0]);
  assert.deepEqual(calibration.evidenceCounts('R52', 'Generalized pain'), [4, 4]);
  assert.equal(calibration.evidenceCounts('R51', 'pain'), undefined);
  const text = 'Pain in the back. Generalized pain.';
  const at = (c: RankerInput) => rankerFeatures(c, rankerNote(text, [c]), calibration)[RANKER_FEATURES.indexOf('evidencePrior')]!;
  const base = { code: 'R52', confidence: 0.6, title: 'Pain, unspecified', rationale: [{ kind: 'index' as const, text: 'Pain' }] };
  const usuallyWrong = at({ ...base, evidence: [{ start: 0, end: 4, text: 'Pain', section: 'body' }] });
  const usuallyRight = at({ ...base, evidence: [{ start: 18, end: 34, text: 'Generalized pain', section: 'body' }] });
  const unseen = at({ ...base, evidence: [{ start: 12, end: 16, text: 'back', section: 'body' }] });
  assert.ok(usuallyWrong < 0 && usuallyRight > 0, `${usuallyWrong} ${usuallyRight}`);
  assert.equal(unseen, 0);
});

test('the codes a use-additional-code note of another suggestion asks for are left to the calibration', async () => {
  const { coder } = await diagnosisCoder(await testCodeSets(), { date: '2026-03-01' });
  const asked = coder.askedByOthers(['E11.65', 'Z79.4', 'I10']);
  assert.ok(asked.has('Z79.4'), [...asked].join(' '));
  assert.ok(!asked.has('E11.65') && !asked.has('I10'), [...asked].join(' '));
  assert.equal(coder.askedByOthers(['Z79.4']).size, 0);
});
