import { registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { registerLoader, registerMissingReleaseHint } from '../releases/registry.js';
import { cptCompiler } from './compile.js';
import { CPT_COLUMNS, cptHeader, cptYear, parseCsv } from './csv.js';
import { cptLoader } from './release.js';

registerDetector({
  name: 'cpt-csv',
  detect({ text }) {
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const header = cptHeader(firstLine);
    if (!header) return null;
    // Release year: the latest effective_from of the rows in the head; without one the importer uses the name.
    let year: number | undefined;
    if (header.length >= 4) {
      try {
        const cut = text.slice(0, text.lastIndexOf('\n') + 1);
        const rows = parseCsv(cut).slice(1).map((r) => ({ effectiveFrom: /^\d{4}-\d{2}-\d{2}$/.test((r.fields[3] ?? '').trim()) ? r.fields[3]!.trim() : undefined }));
        year = cptYear(rows.filter((r) => r.effectiveFrom) as Array<{ effectiveFrom: string }>);
      } catch {
        // A head cut inside a quoted field: leave the year to the name.
      }
    }
    return { kind: 'cpt.csv', system: 'cpt', ...(year !== undefined ? { year } : {}) };
  },
});

/** What to do when no CPT release is compiled: CPT is licensed, so the user brings the file. */
export function cptMissingHelp(home: string): string {
  return (
    `no CPT release is compiled in ${home}. CPT descriptors are licensed by the AMA and not distributed with medcoder: ` +
    `save your licensed CPT codes as CSV with the header "${CPT_COLUMNS.join(',')}" (last two columns optional) and run "medcoder codesets import --from <folder>"`
  );
}

registerMissingReleaseHint('cpt', cptMissingHelp);

registerCompiler(cptCompiler);
registerLoader(cptLoader);
