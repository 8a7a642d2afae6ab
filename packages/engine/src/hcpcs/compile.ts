import type { CompiledOutput, SystemCompiler } from '../releases/compiler.js';
import { releaseSpan } from '../releases/key.js';
import { VALID_CODES_FILE } from '../releases/import.js';
import { MedcoderError } from '../errors.js';
import { HCPCS_FILE, type HcpcsCompiled, type HcpcsItem } from './compiled.js';
import { readRecordFile } from './record-file.js';

/** Reportable in a release that starts on `from`: not terminated before it. */
export function inForce(item: HcpcsItem, from: string): boolean {
  return !item.a.terminationDate || item.a.terminationDate >= from;
}

export const hcpcsCompiler: SystemCompiler = {
  system: 'hcpcs',
  async compile(group, ctx): Promise<CompiledOutput> {
    const files = group.sources.filter((s) => s.detection.kind === 'hcpcs.records');
    if (files.length !== 1) {
      throw new MedcoderError(
        'IMPORT_FAILED',
        files.length === 0
          ? `${group.id}: no HCPCS record file`
          : `${group.id}: more than one HCPCS record file for one release (a release is one annual or quarterly file): ${files.map((s) => s.entry.path).join(', ')}`,
      );
    }
    const source = files[0]!;
    const step = ctx.progress.step(`reading ${source.entry.path}`);
    const parsed = await readRecordFile(source.entry);
    const codes = parsed.items.filter((i) => i.k === 'code').length;
    const modifiers = parsed.items.length - codes;
    step.done(`${codes} codes, ${modifiers} modifiers`);
    if (parsed.items.length === 0) throw new MedcoderError('SOURCE_MALFORMED', `${source.entry.path}: no HCPCS records`, { file: source.entry.path });
    const notes = [...parsed.notes];
    const year = parsed.latest ? Number(parsed.latest.slice(0, 4)) : undefined;
    if (year !== undefined && year !== group.key.year) {
      // The year was told from the file's head; the whole file says otherwise.
      notes.push(`the file's latest add/action effective date is ${parsed.latest}, which is not in ${group.key.year}, the year its first records gave`);
    }
    if (parsed.otherLines) notes.push(`${parsed.otherLines} lines that are not records (disclaimer, blank) were skipped`);
    const from = releaseSpan(group.key).from;
    const reportable = parsed.items.filter((i) => inForce(i, from)).map((i) => i.c);
    const data: HcpcsCompiled = { items: parsed.items };
    return {
      files: { [HCPCS_FILE]: data, [VALID_CODES_FILE]: reportable },
      counts: {
        codes,
        modifiers,
        reportable: reportable.length,
        terminated: parsed.items.length - reportable.length,
      },
      notes,
    };
  },
};
