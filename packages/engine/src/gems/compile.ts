import type { CompiledOutput, SystemCompiler } from '../releases/compiler.js';
import { MedcoderError } from '../errors.js';
import { gemFileName, isGemDirection, readGemFile, type GemDirection } from './gem-file.js';

/**
 * A gems release holds whichever directions its files give (the FY2018
 * diagnosis GEMs, the FY2016 procedure GEMs, …), one compact JSON file per
 * direction. No list of valid codes: GEMs are crosswalk data, not a code set.
 */
export const gemsCompiler: SystemCompiler = {
  system: 'gems',
  async compile(group, ctx): Promise<CompiledOutput> {
    const byDirection = new Map<GemDirection, typeof group.sources>();
    for (const s of group.sources) {
      const d = s.detection.facts?.direction;
      if (!d || !isGemDirection(d)) throw new MedcoderError('IMPORT_FAILED', `${s.entry.path}: GEM file without a direction`);
      byDirection.set(d, [...(byDirection.get(d) ?? []), s]);
    }
    const files: Record<string, unknown> = {};
    const counts: Record<string, number> = {};
    const notes: string[] = [];
    for (const [direction, sources] of [...byDirection].sort(([a], [b]) => a.localeCompare(b))) {
      if (sources.length > 1) {
        throw new MedcoderError('IMPORT_FAILED', `${group.id}: more than one ${direction} GEM for one release: ${sources.map((s) => s.entry.path).join(', ')}`);
      }
      const src = sources[0]!;
      const step = ctx.progress.step(`reading ${src.entry.path}`);
      const { data, noMap, lowerCase } = await readGemFile(src.entry, direction);
      step.done(`${data.rows} rows`);
      files[gemFileName(direction)] = data;
      counts[direction] = data.rows;
      notes.push(`${direction}: ${data.rows} rows, ${Object.keys(data.map).length} source codes, ${noMap} without equivalent (no map)`);
      if (lowerCase) notes.push(`${direction}: ${lowerCase} rows with lower-case codes were upper-cased`);
    }
    return { files, counts, notes };
  },
};
