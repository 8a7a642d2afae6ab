#!/usr/bin/env node
// Scores the diagnosis coder on the CodiEsp training split without letting the
// mined lexicon see the notes it is scored on: the split is cut into --folds
// parts and each part is coded with a lexicon mined (scripts/mine-lexicon.mjs)
// from the other parts. Prints MAP and micro precision/recall/F1 the way
// `medcoder eval codiesp` does (inpatient setting, FY2018 release, codes ranked
// by confidence). The shipped ranker and calibration (data/coding/ranker.json,
// calibration.json) were fitted on the same split, so the scores lean
// optimistic; scripts/train-ranker.mjs prints the held-out-fold scores of the
// ranker. Use these to compare changes, and report dev with
// `medcoder eval codiesp --split dev`. Only the train split is read. Needs a
// compiled home (MEDCODER_HOME) and `npx tsc -b`.
//
//   node scripts/crossfit-coder.mjs [--corpus DIR] [--folds 5] [--min-confidence X] [--calibrate false] [--out FILE.json] [-- mine-lexicon options]
//
// --out writes every note's suggested and suppressed codes with their gold, for analysis.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crossfitCoders, openTrainingKit } from './codiesp-training.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args, positionals: mineArgs } = parseArgs({
  allowPositionals: true,
  options: {
    corpus: { type: 'string', default: join(root, '..', 'shared', 'corpora', 'codiesp') },
    folds: { type: 'string', default: '5' },
    out: { type: 'string' },
    'min-confidence': { type: 'string' },
    calibrate: { type: 'string', default: 'true' },
  },
});
const folds = Number(args.folds);

const kit = await openTrainingKit();
const { E, base } = kit;

const docs = E.codiEspDocuments(args.corpus, 'train');
const gold = E.codiEspGold(args.corpus, 'train', 'D');
const predictions = new Map();
const notes = [];
const options = { setting: 'inpatient', calibrate: args.calibrate !== 'false', ...(args['min-confidence'] !== undefined ? { minConfidence: Number(args['min-confidence']) } : {}) };
for await (const { part, coder } of crossfitCoders(kit, docs, { corpus: args.corpus, folds, mineArgs })) {
  for (const d of part) {
    const r = coder.code(readFileSync(d.path), options);
    // Ranked by confidence, as `medcoder eval codiesp` ranks them (a stable sort).
    predictions.set(d.id, [...r.codes].sort((a, b) => b.confidence - a.confidence).map((c) => c.code));
    if (args.out) {
      notes.push({
        id: d.id,
        gold: gold.get(d.id) ?? [],
        codes: r.codes.map((c) => ({ code: c.code, confidence: c.confidence, evidence: c.evidence.map((e) => e.text), spans: c.evidence.map((e) => [e.start, e.end]), rationale: c.rationale.map((x) => x.text) })),
        suppressed: r.suppressed.map((c) => ({ code: c.code, confidence: c.confidence, reason: c.suppression?.reason, trigger: c.suppression?.trigger, evidence: c.evidence.map((e) => e.text), spans: c.evidence.map((e) => [e.start, e.end]) })),
      });
    }
  }
}

const s = E.scoreCodiEsp(gold, predictions, new E.CodeMatcher(base.release));
const r3 = (x) => x.toFixed(3);
console.log(`CodiEsp train, ${folds}-fold cross-fitted lexicon, ${s.documents} notes: MAP ${r3(s.map)}; codes P ${r3(s.codes.precision)} R ${r3(s.codes.recall)} F1 ${r3(s.codes.f1)}; categories P ${r3(s.categories.precision)} R ${r3(s.categories.recall)} F1 ${r3(s.categories.f1)}`);
if (args.out) writeFileSync(args.out, JSON.stringify(notes));
