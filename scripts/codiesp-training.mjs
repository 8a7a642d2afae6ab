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
