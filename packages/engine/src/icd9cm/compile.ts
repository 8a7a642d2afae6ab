import type { CompiledOutput, ReleaseGroup, SystemCompiler } from '../releases/compiler.js';
import { VALID_CODES_FILE } from '../releases/import.js';
import { MedcoderError } from '../errors.js';
import { formatIcd9, type Icd9System } from './code.js';
import { ICD9_FILE, type Icd9Compiled, type Icd9Node } from './compiled.js';
import { readDescriptions } from './descriptions.js';

const KIND: Record<Icd9System, 'icd9cm.descriptions' | 'icd9pcs.descriptions'> = {
  icd9cm: 'icd9cm.descriptions',
  icd9pcs: 'icd9pcs.descriptions',
};

async function compileIcd9(system: Icd9System, group: ReleaseGroup): Promise<CompiledOutput> {
  const sources = group.sources.filter((s) => s.detection.kind === KIND[system]);
  const byTitles = (t: string) => sources.filter((s) => s.detection.facts?.titles === t);
  const long = byTitles('long');
  const short = byTitles('short');
  if (long.length > 1 || short.length > 1) {
    throw new MedcoderError('IMPORT_FAILED', `${group.id}: more than one ${long.length > 1 ? 'long' : 'short'}-title file for one release: ${[...long, ...short].map((s) => s.entry.path).join(', ')}`);
  }
  if (!long[0] && !short[0]) throw new MedcoderError('IMPORT_FAILED', `${group.id}: no ICD-9-CM description file`);
  const notes: string[] = [];
  const longRows = long[0] ? await readDescriptions(long[0].entry) : [];
  const shortRows = short[0] ? await readDescriptions(short[0].entry) : [];
  const nodes = new Map<string, Icd9Node>();
  for (const [c, t] of longRows) nodes.set(c, { c, t });
  let onlyShort = 0;
  for (const [c, s] of shortRows) {
    const n = nodes.get(c);
    if (!n) {
      nodes.set(c, { c, t: s });
      if (longRows.length) onlyShort++;
    } else if (s !== n.t) n.s = s;
  }
  const shortCodes = new Set(shortRows.map(([c]) => c));
  const onlyLong = shortRows.length ? longRows.filter(([c]) => !shortCodes.has(c)).length : 0;
  if (onlyShort) notes.push(`${onlyShort} codes are only in the short-title file; their short title is used as the title`);
  if (onlyLong) notes.push(`${onlyLong} codes are only in the long-title file`);
  if (!longRows.length) notes.push('no long-title file: short titles are used');
  const versions = new Set(sources.map((s) => s.detection.facts?.version).filter(Boolean));
  const version = versions.size === 1 ? Number([...versions][0]) : undefined;
  if (version) notes.push(`CMS ICD-9-CM version ${version}`);
  const sorted = [...nodes.values()].sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
  const data: Icd9Compiled = { ...(version ? { version } : {}), nodes: sorted };
  return {
    files: { [ICD9_FILE]: data, [VALID_CODES_FILE]: sorted.map((n) => formatIcd9(system, n.c)) },
    counts: { codes: sorted.length },
    notes,
  };
}

export const icd9cmCompiler: SystemCompiler = { system: 'icd9cm', compile: (g) => compileIcd9('icd9cm', g) };
export const icd9pcsCompiler: SystemCompiler = { system: 'icd9pcs', compile: (g) => compileIcd9('icd9pcs', g) };
