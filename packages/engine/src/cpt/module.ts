import { registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { CodeSets, registerLoader, type DateOptions } from '../releases/registry.js';
import { MedcoderError, isMedcoderError } from '../errors.js';
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

// The registry's "no release" error names no way to get one; for CPT the way
// is the user's own file. Until the registry offers a hook for system-specific
// hints, the CPT module rewrites that one message (and nothing else).
const resolve = CodeSets.prototype.resolve;
CodeSets.prototype.resolve = function resolveWithCptHint(this: CodeSets, system: string, opts?: DateOptions) {
  try {
    return resolve.call(this, system, opts);
  } catch (e) {
    if (system === 'cpt' && isMedcoderError(e) && e.code === 'NO_RELEASE_FOR_DATE' && this.releases('cpt').length === 0) {
      throw new MedcoderError('NO_RELEASE_FOR_DATE', cptMissingHelp(this.home), e.details, { cause: e });
    }
    throw e;
  }
};

registerCompiler(cptCompiler);
registerLoader(cptLoader);
