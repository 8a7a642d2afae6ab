import { today } from '../dates.js';
import { MCE_FILE, MceTable } from '../edits/mce.js';
import { isMissing, tableStore } from '../edits/tables.js';
import type { CodeSets } from '../releases/registry.js';

/**
 * The Medicare Code Editor release in force on a date, for the coder: its
 * "manifestation code as principal diagnosis" list (codes the coder never
 * sequences first; many, such as "Anemia in chronic kidney disease", D63.1,
 * do not say "in diseases classified elsewhere" in their title) and its age
 * lists (codes the patient's stated age conflicts with). For a date outside
 * every MCE release the nearest one answers: these lists change little from
 * year to year. Codes are bare (no dot). The table is the claim edits' own
 * (edits/tables.ts), loaded once per home. Undefined when no MCE release was
 * imported.
 */
export async function mceTableFor(codeSets: CodeSets, date: string | undefined): Promise<MceTable | undefined> {
  const releases = codeSets.releases('mce');
  if (releases.length === 0) return undefined;
  const store = tableStore(codeSets);
  let answer = await store.get('mce', date ?? today(), MCE_FILE, MceTable.fromCompiled);
  if (isMissing(answer)) answer = await store.get('mce', codeSets.ref(releases[0]!.id).effectiveFrom, MCE_FILE, MceTable.fromCompiled);
  return isMissing(answer) ? undefined : answer.table;
}
