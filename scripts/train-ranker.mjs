#!/usr/bin/env node
// Fits the diagnosis coder's suggestion ranker and its calibration on the
// CodiEsp training split, in one run:
//   packages/engine/data/coding/calibration.json  code → [times suggested, times right], and the same for
//                                                 each code with the words of one of its mentions
//   packages/engine/data/coding/ranker.json       logistic-regression weights and the threshold
//
// The training notes are coded in --folds cross-fitted parts (each with a
// lexicon mined without it, scripts/codiesp-training.mjs), with the rules'
// own confidences and no threshold. Each suggested code is a training example
// (right when the gold has it), described by coding/ranker.ts rankerFeatures;
// its code counts are taken from the other parts only, as for a note the
// calibration has not seen. A code another suggestion asks for in a
// use-additional-code note keeps the calibrated rule confidence in the coder,
// so it is left to the calibration here too. The weights are fitted by Newton's method with an
// L2 penalty (deterministic). The threshold is chosen on held-out-part
// predictions (a model fitted without the part scores it): the best code F1
// whose precision stays at or above --min-precision (the lowest threshold
// within --f1-tolerance of that F1). The held-out scores are
// printed; dev is never read. Re-run after any change to the dictionary or
// the rules (about a minute). Needs MEDCODER_HOME with the FY2018 release and
// `npx tsc -b`.
//
//   node scripts/train-ranker.mjs [--corpus DIR] [--folds 5] [--lambda 1] [--min-precision 0.58] [--f1-tolerance 0.005] [--dry-run]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crossfitCoders, openTrainingKit } from './codiesp-training.mjs';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, 'packages', 'engine', 'data', 'coding');
const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: join(root, '..', 'shared', 'corpora', 'codiesp') },
    folds: { type: 'string', default: '5' },
    lambda: { type: 'string', default: '1' },
    'min-precision': { type: 'string', default: '0.58' },
    'f1-tolerance': { type: 'string', default: '0.005' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const folds = Number(args.folds);
const lambda = Number(args.lambda);
const minPrecision = Number(args['min-precision']);
const f1Tolerance = Number(args['f1-tolerance']);

const kit = await openTrainingKit();
const { E, base } = kit;
const dist = (p) => new URL(`../packages/engine/dist/${p}`, import.meta.url).href;
const { ConfidenceCalibration, evidenceKey } = await import(dist('coding/calibration.js'));
const { RANKER_FEATURES, rankedByRanker, rankerFeatures, rankerNote } = await import(dist('coding/ranker.js'));
const matcher = new E.CodeMatcher(base.release);

const docs = E.codiEspDocuments(args.corpus, 'train');
const gold = E.codiEspGold(args.corpus, 'train', 'D');

// 1. Candidates: every suggested code of every note, with the rules' confidence.
const notes = []; // { id, fold, note, asked, codes: [{ input, right }] }
for await (const { fold, part, coder } of crossfitCoders(kit, docs, { corpus: args.corpus, folds })) {
  for (const d of part) {
    const g = new Set((gold.get(d.id) ?? []).map((c) => matcher.key(c)));
    if (!g.size) continue;
    const text = readFileSync(d.path, 'utf8');
    const r = coder.code(text, { setting: 'inpatient', minConfidence: 0, calibrate: false });
    const asked = coder.askedByOthers(r.codes.map((c) => c.code));
    notes.push({ id: d.id, fold, note: rankerNote(text, r.codes), asked, codes: r.codes.map((c) => ({ input: c, right: g.has(matcher.key(c.code)) })) });
  }
}

// 2. Code counts, and the counts of each code with the words of a mention, by part.
const countsOf = (keep) => {
  const codes = new Map();
  const evidence = new Map();
  const count = (map, key, right) => {
    const x = map.get(key) ?? [0, 0];
    x[0]++;
    if (right) x[1]++;
    map.set(key, x);
  };
  for (const n of notes) {
    if (!keep(n)) continue;
    for (const c of n.codes) {
      count(codes, c.input.code, c.right);
      for (const k of new Set(c.input.evidence.map((e) => evidenceKey(c.input.code, e.text)))) count(evidence, k, c.right);
    }
  }
  return { codes, evidence };
};
const calibrationOf = ({ codes, evidence }) => new ConfidenceCalibration({ prior: 4, codes: Object.fromEntries(codes), evidence: Object.fromEntries(evidence) });

// 3. Features, with the code counts of the other parts.
const examples = []; // { fold, note, code, x, y }
const ruleOnly = []; // { fold, note, code, confidence, y }
for (let f = 0; f < folds; f++) {
  const cal = calibrationOf(countsOf((n) => n.fold !== f));
  for (const n of notes) {
    if (n.fold !== f) continue;
    for (const c of n.codes) {
      const example = { fold: f, note: n, code: c.input.code, y: c.right ? 1 : 0 };
      // The codes only a guideline rule assigns or another code asks for keep their calibrated confidence and the coder's threshold of 0.3.
      if (rankedByRanker(c.input.rationale) && !n.asked.has(c.input.code)) examples.push({ ...example, x: rankerFeatures(c.input, n.note, cal) });
      else ruleOnly.push({ ...example, confidence: cal.adjust(c.input.code, c.input.confidence) });
    }
  }
}

// 4. Logistic regression, Newton's method, L2 on every weight but the bias.
function fit(rows) {
  const k = RANKER_FEATURES.length;
  let w = new Float64Array(k);
  for (let iter = 0; iter < 50; iter++) {
    const g = new Float64Array(k);
    const H = Array.from({ length: k }, () => new Float64Array(k));
    for (const { x, y } of rows) {
      let z = 0;
      for (let i = 0; i < k; i++) z += w[i] * x[i];
      const p = 1 / (1 + Math.exp(-z));
      const s = p * (1 - p);
      for (let i = 0; i < k; i++) {
        if (x[i] === 0) continue;
        g[i] += (p - y) * x[i];
        for (let j = 0; j < k; j++) H[i][j] += s * x[i] * x[j];
      }
    }
    for (let i = 1; i < k; i++) {
      g[i] += lambda * w[i];
      H[i][i] += lambda;
    }
    H[0][0] += 1e-6;
    const step = solve(H, g);
    let change = 0;
    for (let i = 0; i < k; i++) {
      w[i] -= step[i];
      change = Math.max(change, Math.abs(step[i]));
    }
    if (change < 1e-9) break;
  }
  return w;
}

/** Gaussian elimination with partial pivoting (H is symmetric positive definite with the penalty). */
function solve(A, b) {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const d = M[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / d;
      if (f === 0) continue;
      for (let j = c; j <= n; j++) M[r][j] -= f * M[c][j];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let j = r + 1; j < n; j++) s -= M[r][j] * x[j];
    x[r] = s / (M[r][r] || 1e-12);
  }
  return x;
}

const prob = (w, x) => {
  let z = 0;
  for (let i = 0; i < w.length; i++) z += w[i] * x[i];
  return 1 / (1 + Math.exp(-z));
};

// 5. Held-out-part probabilities, and the threshold chosen on them.
const heldOut = new Map(); // example → probability
for (let f = 0; f < folds; f++) {
  const w = fit(examples.filter((e) => e.fold !== f));
  for (const e of examples) if (e.fold === f) heldOut.set(e, prob(w, e.x));
}
const scoreAt = (t, p) => {
  const predictions = new Map();
  for (const n of notes) predictions.set(n.id, []);
  const kept = [...examples.filter((e) => p.get(e) >= t).map((e) => ({ e, v: p.get(e) })), ...ruleOnly.filter((e) => e.confidence >= 0.3).map((e) => ({ e, v: e.confidence }))];
  for (const { e } of kept.sort((a, b) => b.v - a.v)) predictions.get(e.note.id).push(e.code);
  const scored = new Map([...gold].filter(([id]) => predictions.has(id)));
  return E.scoreCodiEsp(scored, predictions, matcher);
};
// The calibration alone (the coder without the ranker), counted on the other parts, for comparison.
const calibrated = new Map();
for (let f = 0; f < folds; f++) {
  const cal = calibrationOf(countsOf((n) => n.fold !== f));
  for (const e of examples) if (e.fold === f) calibrated.set(e, cal.adjust(e.code, e.note.codes.find((c) => c.input.code === e.code).input.confidence));
}
const curve = [];
for (let t = 5; t <= 90; t++) {
  const s = scoreAt(t / 100, heldOut);
  if (s.codes.precision >= minPrecision) curve.push({ t: t / 100, s });
}
// F1 differences this small are noise on 500 notes: the lowest such threshold keeps the most recall and the best MAP.
const bestF1 = Math.max(...curve.map((x) => x.s.codes.f1));
const best = curve.find((x) => x.s.codes.f1 >= bestF1 - f1Tolerance);
if (!best) throw new Error(`no threshold keeps precision at ${minPrecision} or above`);
const r3 = (x) => x.toFixed(3);
const line = (s) => `MAP ${r3(s.map)}; codes P ${r3(s.codes.precision)} R ${r3(s.codes.recall)} F1 ${r3(s.codes.f1)}`;
console.log(`held-out parts, threshold ${best.t}: ${line(best.s)}`);
console.log(`held-out parts, no threshold: ${line(scoreAt(0, heldOut))}`);
console.log(`calibration alone (held-out counts), threshold 0.3: ${line(scoreAt(0.3, calibrated))}`);
if (process.env.RANKER_CURVE) for (let t = 0.1; t < 0.6; t += 0.05) console.log(`  t ${t.toFixed(2)}: ${line(scoreAt(t, heldOut))}`);

// 6. The shipped model: fitted on every example.
const w = fit(examples);
const weights = Object.fromEntries(RANKER_FEATURES.map((name, i) => [name, Math.round(w[i] * 1e6) / 1e6]));
for (const [k, v] of Object.entries(weights)) console.log(`  ${k.padEnd(16)} ${v.toFixed(3)}`);
if (args['dry-run']) process.exit(0);

const counts = countsOf(() => true);
const sorted = (map) => Object.fromEntries([...map].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
const calibration = {
  description: `How often each code the diagnosis coder suggests is right on the CodiEsp training split (${notes.length} notes), coded in ${folds} cross-fitted parts with lexicons mined without the part; written by scripts/train-ranker.mjs, not hand-edited. codes: code → [times suggested, times right]; evidence: "code|words of a mention" (lower case) → [times suggested with those words, times right].`,
  prior: 4,
  codes: sorted(counts.codes),
  evidence: sorted(counts.evidence),
};
writeFileSync(join(dataDir, 'calibration.json'), `${JSON.stringify(calibration, null, 0).replace(/\],"/g, '],\n"')}\n`);
const ranker = {
  description: `Suggestion ranker of the diagnosis coder (coding/ranker.ts): logistic-regression weights over the features of each suggested code, fitted by scripts/train-ranker.mjs on ${examples.length} suggestions of ${notes.length} CodiEsp training notes coded in ${folds} cross-fitted parts (L2 ${lambda}); not hand-edited. threshold: the lowest within ${f1Tolerance} of the best code F1 with precision at least ${minPrecision} on held-out parts (${line(best.s)}).`,
  threshold: best.t,
  weights,
};
writeFileSync(join(dataDir, 'ranker.json'), `${JSON.stringify(ranker, null, 2)}\n`);
console.log(`${examples.length} suggestions from ${notes.length} notes → ranker.json (threshold ${best.t}) and calibration.json (${counts.codes.size} codes, ${counts.evidence.size} wordings)`);
