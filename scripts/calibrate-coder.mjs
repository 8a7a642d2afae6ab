#!/usr/bin/env node
// Counts, for every ICD-10-CM code the diagnosis coder suggests on the CodiEsp
// training split, how often it is suggested and how often the gold agrees,
// into packages/engine/data/coding/calibration.json (read by
// packages/engine/src/coding/calibration.ts to calibrate confidences).
//
// Cross-fitted: the training documents are split into --folds parts; each part
// is coded with a dictionary whose mined lexicon (scripts/mine-lexicon.mjs)
// was learned without that part, so the counts describe notes the lexicon has
// not seen. Only the train split is read: dev stays unseen. Needs a compiled
// home (MEDCODER_HOME) holding the FY2018 release and `npx tsc -b`.
//
//   node scripts/calibrate-coder.mjs [--corpus DIR] [--folds 5] [--holdout k/n] [--prior 4] [--out FILE]
//
// --holdout k/n leaves out the training documents whose position modulo n is k
// altogether (to measure the calibration on documents it did not see).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openTrainingKit } from './codiesp-training.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: join(root, '..', 'shared', 'corpora', 'codiesp') },
    folds: { type: 'string', default: '5' },
    holdout: { type: 'string' },
    prior: { type: 'string', default: '4' },
    out: { type: 'string', default: join(root, 'packages', 'engine', 'data', 'coding', 'calibration.json') },
  },
});
const folds = Number(args.folds);
const holdout = args.holdout ? args.holdout.split('/').map(Number) : undefined;

const { E, buildConcepts, curatedLexicon, ConceptDictionary, DiagnosisCoder, base, cm, indexFiles } = await openTrainingKit();
const matcher = new E.CodeMatcher(base.release);

let docs = E.codiEspDocuments(args.corpus, 'train');
if (holdout) docs = docs.filter((_, i) => i % holdout[1] !== holdout[0]);
const held = holdout ? E.codiEspDocuments(args.corpus, 'train').filter((_, i) => i % holdout[1] === holdout[0]).map((d) => d.id) : [];
const gold = E.codiEspGold(args.corpus, 'train', 'D');

const tmp = mkdtempSync(join(tmpdir(), 'medcoder-calibrate-'));
const counts = new Map(); // code → [suggested, right]
try {
  for (let f = 0; f < folds; f++) {
    const part = docs.filter((_, i) => i % folds === f);
    const skipFile = join(tmp, `skip-${f}.txt`);
    writeFileSync(skipFile, [...part.map((d) => d.id), ...held].join('\n'));
    const minedFile = join(tmp, `mined-${f}.json`);
    execFileSync(process.execPath, [join(root, 'scripts', 'mine-lexicon.mjs'), '--corpus', args.corpus, '--skip', skipFile, '--out', minedFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    const mined = JSON.parse(readFileSync(minedFile, 'utf8')).entries.map(([phrase, code, precision, support]) => ({ phrase, code, precision, support }));
    const concepts = buildConcepts(cm, indexFiles, { curated: curatedLexicon(), mined });
    // The dictionary reads its compiled form as loaded from JSON.
    const coder = new DiagnosisCoder(base.release, new ConceptDictionary(JSON.parse(JSON.stringify(concepts))), base.manifestations);
    for (const d of part) {
      const g = new Set((gold.get(d.id) ?? []).map((c) => matcher.key(c)));
      if (!g.size) continue;
      const r = coder.code(readFileSync(d.path), { setting: 'inpatient', minConfidence: 0, calibrate: false });
      for (const c of r.codes) {
        const n = counts.get(c.code) ?? [0, 0];
        n[0]++;
        if (g.has(matcher.key(c.code))) n[1]++;
        counts.set(c.code, n);
      }
    }
    process.stderr.write(`fold ${f + 1}/${folds}: ${part.length} notes coded\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const codes = Object.fromEntries([...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
const out = {
  description: `How often each code the diagnosis coder suggests is right on the CodiEsp training split (${docs.length} notes${holdout ? `, fold ${args.holdout} left out` : ''}), coded in ${folds} cross-fitted parts with lexicons mined without the part; written by scripts/calibrate-coder.mjs, not hand-edited. codes: code → [times suggested, times right].`,
  prior: Number(args.prior),
  codes,
};
writeFileSync(args.out, `${JSON.stringify(out, null, 0).replace(/\],"/g, '],\n"')}\n`);
console.log(`${counts.size} codes counted from ${docs.length} training documents → ${args.out}`);
