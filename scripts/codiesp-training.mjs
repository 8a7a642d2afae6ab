// What the scripts that learn from the CodiEsp training split share: the engine
// modules they build dictionaries with, and the FY2018 diagnosis coder with the
// compiled ICD-10-CM release and index files its dictionaries are built from.
// Needs a compiled home (MEDCODER_HOME) holding the FY2018 release and `npx tsc -b`.
const dist = (p) => new URL(`../packages/engine/dist/${p}`, import.meta.url).href;

export async function openTrainingKit() {
  const E = await import(dist('index.js'));
  const { buildConcepts, curatedLexicon } = await import(dist('nlp/compile.js'));
  const { ConceptDictionary } = await import(dist('nlp/matcher.js'));
  const { fromFile } = await import(dist('icd10cm/compiled.js'));
  const { DiagnosisCoder } = await import(dist('coding/coder.js'));
  const { readReleaseFile } = await import(dist('releases/store.js'));

  const codeSets = await E.CodeSets.open();
  const { coder: base } = await E.diagnosisCoder(codeSets, { date: '2018-06-01' });
  const manifest = base.release.manifest;
  const fileOf = async (kind, file) => {
    const id = manifest.files.includes(file) ? manifest.id : manifest.provenance?.[kind];
    return id ? readReleaseFile(codeSets.home, id, file) : undefined;
  };
  const cm = fromFile(await readReleaseFile(codeSets.home, manifest.id, 'icd10cm.json'));
  const indexFiles = {};
  for (const kind of ['index', 'neoplasm', 'eindex']) {
    const f = await fileOf(kind, `${kind}.json`);
    if (f) indexFiles[kind] = f;
  }
  return { E, buildConcepts, curatedLexicon, ConceptDictionary, DiagnosisCoder, codeSets, base, cm, indexFiles };
}

/**
 * Cross-fitting: the documents are cut into `folds` parts (by position modulo
 * folds) and each part gets a diagnosis coder whose mined lexicon
 * (scripts/mine-lexicon.mjs) was learned without that part, nor without the
 * `held` document ids. Yields { fold, part, coder } one part at a time.
 */
export async function* crossfitCoders(kit, docs, { corpus, folds, held = [], mineArgs = [] }) {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { buildConcepts, curatedLexicon, ConceptDictionary, DiagnosisCoder, base, cm, indexFiles } = kit;
  const mineScript = new URL('./mine-lexicon.mjs', import.meta.url).pathname;
  const tmp = mkdtempSync(join(tmpdir(), 'medcoder-crossfit-'));
  try {
    for (let fold = 0; fold < folds; fold++) {
      const part = docs.filter((_, i) => i % folds === fold);
      const skipFile = join(tmp, `skip-${fold}.txt`);
      writeFileSync(skipFile, [...part.map((d) => d.id), ...held].join('\n'));
      const minedFile = join(tmp, `mined-${fold}.json`);
      execFileSync(process.execPath, [mineScript, '--corpus', corpus, '--skip', skipFile, '--out', minedFile, ...mineArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
      const mined = JSON.parse(readFileSync(minedFile, 'utf8')).entries.map(([phrase, code, precision, support]) => ({ phrase, code, precision, support }));
      const concepts = buildConcepts(cm, indexFiles, { curated: curatedLexicon(), mined });
      // The dictionary reads its compiled form as loaded from JSON.
      const coder = new DiagnosisCoder(base.release, new ConceptDictionary(JSON.parse(JSON.stringify(concepts))), base.manifestations, base.mce);
      yield { fold, part, coder };
      process.stderr.write(`fold ${fold + 1}/${folds}: ${part.length} notes coded\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
