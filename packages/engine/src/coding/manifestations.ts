import { isMedcoderError } from '../errors.js';
import { MCE_FILE, type MceCompiled } from '../edits/mce.js';
import type { CodeSets } from '../releases/registry.js';
import { readReleaseFile } from '../releases/store.js';

/**
 * The manifestation codes the coder must never sequence first: the CMS
 * Medicare Code Editor's "manifestation code as principal diagnosis" list.
 * Many of them ("Anemia in chronic kidney disease", D63.1) do not say "in
 * diseases classified elsewhere" in their title, so the title alone misses
 * them. The list of the MCE release in force on the date answers; for a date
 * outside every MCE release the nearest one does (a code's being a
 * manifestation does not change from year to year). Codes are bare (no dot).
 */

const loaded = new WeakMap<CodeSets, Map<string, Promise<ReadonlySet<string>>>>();

/** The MCE manifestation list for a date, or undefined when no MCE release is compiled. */
export function manifestationCodes(codeSets: CodeSets, date: string | undefined): Promise<ReadonlySet<string>> | undefined {
  const releases = codeSets.releases('mce');
  if (releases.length === 0) return undefined;
  let id: string;
  try {
    id = codeSets.resolve('mce', date ? { date } : {}).manifest.id;
  } catch (e) {
    if (!isMedcoderError(e) || e.code !== 'NO_RELEASE_FOR_DATE') throw e;
    id = releases[0]!.id;
  }
  let perHome = loaded.get(codeSets);
  if (!perHome) loaded.set(codeSets, (perHome = new Map()));
  let p = perHome.get(id);
  if (!p) {
    p = readReleaseFile(codeSets.home, id, MCE_FILE).then((data) => new Set((data as MceCompiled).lists?.manifestation ?? []));
    p.catch(() => perHome.delete(id));
    perHome.set(id, p);
  }
  return p;
}
