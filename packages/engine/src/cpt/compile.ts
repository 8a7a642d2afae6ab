import type { CompiledOutput, SystemCompiler } from '../releases/compiler.js';
import { VALID_CODES_FILE } from '../releases/import.js';
import { releaseSpan } from '../releases/key.js';
import { MedcoderError } from '../errors.js';
import { CPT_FILE, type CptCompiled, type CptItem } from './compiled.js';
import { cptYear, readCptCsv } from './csv.js';

/** Reportable in a release starting on `from`: not ended before it. */
export function cptInForce(item: CptItem, from: string): boolean {
  return !item.e || item.e >= from;
}

export const cptCompiler: SystemCompiler = {
  system: 'cpt',
  async compile(group): Promise<CompiledOutput> {
    const files = group.sources.filter((s) => s.detection.kind === 'cpt.csv');
    if (files.length !== 1) {
      throw new MedcoderError(
        'CPT_FILE_INVALID',
        files.length === 0 ? `${group.id}: no CPT file` : `${group.id}: more than one CPT file for ${group.key.year}; keep one per year: ${files.map((s) => s.entry.path).join(', ')}`,
      );
    }
    const src = files[0]!;
    const { rows, notes } = await readCptCsv(src.entry);
    if (rows.length === 0) throw new MedcoderError('CPT_FILE_INVALID', `${src.entry.path}: no codes below the header`, { file: src.entry.path });
    const year = cptYear(rows);
    if (year !== undefined && year !== group.key.year) notes.push(`the latest effective_from year in the file is ${year}, not ${group.key.year}`);
    const items: CptItem[] = rows.map((r) => ({ c: r.code, t: r.long, s: r.short, ...(r.effectiveFrom ? { f: r.effectiveFrom } : {}), ...(r.effectiveTo ? { e: r.effectiveTo } : {}) }));
    const from = releaseSpan(group.key).from;
    const reportable = items.filter((i) => cptInForce(i, from)).map((i) => i.c);
    const data: CptCompiled = { items };
    return {
      files: { [CPT_FILE]: data, [VALID_CODES_FILE]: reportable },
      counts: { codes: items.length, reportable: reportable.length },
      notes: [...notes, 'descriptors from the user\'s own licensed CPT file; not redistributable'],
    };
  },
};
