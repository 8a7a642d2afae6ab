import { registerPostCompile } from '../releases/import.js';
import { readReleaseFile } from '../releases/store.js';
import type { CodeSets, DateOptions } from '../releases/registry.js';
import { MedcoderError } from '../errors.js';
import { Icd10cmRelease } from '../icd10cm/release.js';
import { conceptsPostCompile } from '../nlp/compile.js';
import { CONCEPTS_FILE, CONCEPTS_FORMAT, type CompiledConcepts } from '../nlp/dictionary.js';
import { ConceptDictionary } from '../nlp/matcher.js';
import { DiagnosisCoder, type CodeOptions } from './coder.js';
import { mceTableFor } from './manifestations.js';
import type { DiagnosisCoding } from './types.js';

/**
 * Computer-assisted diagnosis coding: the import-time dictionary step and the
 * entry points. `codeDiagnoses(text, { codeSets, date, setting })` codes one
 * note; `diagnosisCoder(codeSets, { date })` gives a coder to reuse for many.
 */

registerPostCompile(conceptsPostCompile);

const dictionaries = new WeakMap<CodeSets, Map<string, Promise<ConceptDictionary>>>();

/** The concept dictionary compiled with a release (loaded once per CodeSets). */
export function loadConcepts(codeSets: CodeSets, releaseId: string): Promise<ConceptDictionary> {
  let perHome = dictionaries.get(codeSets);
  if (!perHome) dictionaries.set(codeSets, (perHome = new Map()));
  let p = perHome.get(releaseId);
  if (!p) {
    p = (async () => {
      const m = codeSets.manifests.find((x) => x.id === releaseId);
      if (!m?.files.includes(CONCEPTS_FILE)) {
        throw new MedcoderError('RELEASE_CORRUPT', `${releaseId} has no concept dictionary (it was compiled by an older medcoder); run "medcoder codesets import --force"`, { release: releaseId });
      }
      const data = (await readReleaseFile(codeSets.home, releaseId, CONCEPTS_FILE)) as CompiledConcepts;
      if (data?.format !== CONCEPTS_FORMAT) throw new MedcoderError('RELEASE_CORRUPT', `${releaseId}/${CONCEPTS_FILE} is not of format ${CONCEPTS_FORMAT}; run "medcoder codesets import --force"`, { release: releaseId });
      return new ConceptDictionary(data);
    })();
    p.catch(() => perHome.delete(releaseId));
    perHome.set(releaseId, p);
  }
  return p;
}

/** A diagnosis coder for the ICD-10-CM release in force on the date of service. */
export async function diagnosisCoder(codeSets: CodeSets, opts: DateOptions = {}): Promise<{ coder: DiagnosisCoder; warnings: string[] }> {
  const { release, warnings } = await codeSets.release('icd10cm', opts);
  if (!(release instanceof Icd10cmRelease)) throw new MedcoderError('INVALID_ARGUMENT', 'the ICD-10-CM release could not be loaded as such');
  const [dictionary, mce] = await Promise.all([loadConcepts(codeSets, release.manifest.id), mceTableFor(codeSets, opts.date)]);
  return { coder: new DiagnosisCoder(release, dictionary, mce?.list('manifestation'), mce), warnings };
}

export interface CodeDiagnosesOptions extends CodeOptions, DateOptions {
  codeSets: CodeSets;
}

/** Code one note: ICD-10-CM diagnoses with evidence, rationale, confidence and suppressed mentions. */
export async function codeDiagnoses(text: string | Uint8Array, opts: CodeDiagnosesOptions): Promise<DiagnosisCoding> {
  const { coder, warnings } = await diagnosisCoder(opts.codeSets, opts.date ? { date: opts.date, ...(opts.strict ? { strict: true } : {}) } : {});
  const result = coder.code(text, opts);
  result.warnings.push(...warnings);
  return result;
}
