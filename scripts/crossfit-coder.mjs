#!/usr/bin/env node
// Scores the diagnosis coder on the CodiEsp training split without letting the
// mined lexicon see the notes it is scored on: the split is cut into --folds
// parts and each part is coded with a lexicon mined (scripts/mine-lexicon.mjs)
// from the other parts. Prints MAP and micro precision/recall/F1 the way
// `medcoder eval codiesp` does (inpatient setting, FY2018 release, codes ranked
// by confidence). The calibration (data/coding/calibration.json) is counted on
// the same split, so the scores lean optimistic; use them to compare changes,
// and report dev with `medcoder eval codiesp --split dev`. Only the train split
// is read. Needs a compiled home (MEDCODER_HOME) and `npx tsc -b`.
//
//   node scripts/crossfit-coder.mjs [--corpus DIR] [--folds 5] [--out FILE.json] [-- mine-lexicon options]
//
// --out writes every note's suggested and suppressed codes with their gold, for analysis.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openTrainingKit } from './codiesp-training.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args, positionals: mineArgs } = parseArgs({
  allowPositionals: true,
  options: {
    corpus: { type: 'string', default: join(root, '..', 'shared', 'corpora', 'codiesp') },
    folds: { type: 'string', default: '5' },
    out: { type: 'string' },
  },
});
const folds = Number(args.folds);

const { E, buildConcepts, curatedLexicon, ConceptDictionary, DiagnosisCoder, base, cm, indexFiles } = await openTrainingKit();

const docs = E.codiEspDocuments(args.corpus, 'train');
const gold = E.codiEspGold(args.corpus, 'train', 'D');
const predictions = new Map();
const notes = [];
const tmp = mkdtempSync(join(tmpdir(), 'medcoder-crossfit-'));
try {
  for (let f = 0; f < folds; f++) {
    const part = docs.filter((_, i) => i % folds === f);
    const skipFile = join(tmp, `skip-${f}.txt`);
    writeFileSync(skipFile, part.map((d) => d.id).join('\n'));
    const minedFile = join(tmp, `mined-${f}.json`);
    execFileSync(process.execPath, [join(root, 'scripts', 'mine-lexicon.mjs'), '--corpus', args.corpus, '--skip', skipFile, '--out', minedFile, ...mineArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
    const mined = JSON.parse(readFileSync(minedFile, 'utf8')).entries.map(([phrase, code, precision, support]) => ({ phrase, code, precision, support }));
    const concepts = buildConcepts(cm, indexFiles, { curated: curatedLexicon(), mined });
    const coder = new DiagnosisCoder(base.release, new ConceptDictionary(JSON.parse(JSON.stringify(concepts))), base.manifestations);
    for (const d of part) {
      const r = coder.code(readFileSync(d.path), { setting: 'inpatient' });
      // Ranked by confidence, as `medcoder eval codiesp` ranks them (a stable sort).
      predictions.set(d.id, [...r.codes].sort((a, b) => b.confidence - a.confidence).map((c) => c.code));
      if (args.out) {
        notes.push({
          id: d.id,
          gold: gold.get(d.id) ?? [],
          codes: r.codes.map((c) => ({ code: c.code, confidence: c.confidence, evidence: c.evidence.map((e) => e.text), rationale: c.rationale.map((x) => x.text) })),
          suppressed: r.suppressed.map((c) => ({ code: c.code, confidence: c.confidence, reason: c.suppression?.reason, trigger: c.suppression?.trigger, evidence: c.evidence.map((e) => e.text) })),
        });
      }
    }
    process.stderr.write(`fold ${f + 1}/${folds}: ${part.length} notes coded\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const s = E.scoreCodiEsp(gold, predictions, new E.CodeMatcher(base.release));
const r3 = (x) => x.toFixed(3);
console.log(`CodiEsp train, ${folds}-fold cross-fitted lexicon, ${s.documents} notes: MAP ${r3(s.map)}; codes P ${r3(s.codes.precision)} R ${r3(s.codes.recall)} F1 ${r3(s.codes.f1)}; categories P ${r3(s.categories.precision)} R ${r3(s.categories.recall)} F1 ${r3(s.categories.f1)}`);
if (args.out) writeFileSync(args.out, JSON.stringify(notes));
