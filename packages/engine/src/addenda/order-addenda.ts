import { normalizeCm } from '../icd10cm/code.js';
import { hintFromName } from '../releases/key.js';
import { readLines } from '../sources/entry.js';
import { walkSources } from '../sources/walk.js';

/**
 * The order-file addenda (icd10cm-order-addenda-YYYY.txt, in the same zip as
 * the order file) list the rows added, deleted and revised since the file
 * before. A difference between a rolled-forward tabular and the year's order
 * file that these rows do not mention was made by a mid-year update (April)
 * whose Tabular List addendum is not at hand; one they mention is a change
 * the October addenda should have carried.
 */

const ROW = /^(Add|Delete|Revise from|Revise to|Revised? from|Revised? to):\s+(?:[01]\s+)?([A-Z][0-9A-Z]{2,6})\s/;

/** Codes (with dot) each fiscal year's order-file addenda mention, by fiscal year. */
export async function orderAddendaCodes(dirs: readonly string[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  for (const dir of dirs) {
    const { entries } = await walkSources(dir);
    for (const e of entries) {
      if (!/order[-_ ]?addenda/i.test(e.name) || !/\.txt$/i.test(e.name)) continue;
      const year = hintFromName(e.name, e.context).year;
      if (!year) continue;
      const codes = out.get(year) ?? new Set<string>();
      for await (const line of readLines(e, 'latin1')) {
        const m = ROW.exec(line);
        if (m) codes.add(normalizeCm(m[2]!));
      }
      if (codes.size) out.set(year, codes);
    }
  }
  return out;
}
