import { today } from '../dates.js';
import { MCE_FILE, MceTable } from '../edits/mce.js';
import { isMissing, tableStore } from '../edits/tables.js';
import type { CodeSets } from '../releases/registry.js';

/**
 * The manifestation codes the coder must never sequence first: the CMS
 * Medicare Code Editor's "manifestation code as principal diagnosis" list.
 * Many of them ("Anemia in chronic kidney disease", D63.1) do not say "in
 * diseases classified elsewhere" in their title, so the title alone misses
 * them. The list of the MCE release in force on the date answers; for a date
 * outside every MCE release the nearest one does (a code's being a
 * manifestation does not change from year to year). Codes are bare (no dot).
 * The table is the claim edits' own (edits/tables.ts), loaded once per home.
 */
export async function manifestationCodes(codeSets: CodeSets, date: string | undefined): Promise<ReadonlySet<string> | undefined> {
  return (await mceTableFor(codeSets, date))?.list('manifestation');
}

/**
 * The MCE release in force on a date (the nearest one outside every MCE
 * release: its lists change little from year to year), or undefined when no
 * MCE release was imported. Its age lists let the coder leave out a code the
 * patient's stated age conflicts with.
 */
export async function mceTableFor(codeSets: CodeSets, date: string | undefined): Promise<MceTable | undefined> {
  const releases = codeSets.releases('mce');
  if (releases.length === 0) return undefined;
  const store = tableStore(codeSets);
  let answer = await store.get('mce', date ?? today(), MCE_FILE, MceTable.fromCompiled);
  if (isMissing(answer)) answer = await store.get('mce', codeSets.ref(releases[0]!.id).effectiveFrom, MCE_FILE, MceTable.fromCompiled);
  return isMissing(answer) ? undefined : answer.table;
}
