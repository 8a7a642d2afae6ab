import { MedcoderError } from '../errors.js';
import type { SourceEntry } from '../sources/entry.js';
import { readLines } from '../sources/entry.js';
import type { CodeSystem } from '../systems.js';

/**
 * CMS General Equivalence Mappings: one row per source/target pair,
 * "source target flags", codes without dots, flags five characters:
 * approximate (0/1), no map (0/1), combination (0/1), scenario (0-9),
 * choice list (0-9). A source without equivalent maps to NoDx / NoPCS / NoI9.
 * The diagnosis GEMs (2018_I10gem.txt, 2018_I9gem.txt) and the procedure GEMs
 * (gem_pcsi9, gem_i9pcs) share the layout.
 */
export type GemDirection = 'icd10cm-icd9cm' | 'icd9cm-icd10cm' | 'icd10pcs-icd9pcs' | 'icd9pcs-icd10pcs';

export const GEM_DIRECTIONS: Record<GemDirection, { from: CodeSystem; to: CodeSystem; kind: 'gems.dx' | 'gems.pcs' }> = {
  'icd10cm-icd9cm': { from: 'icd10cm', to: 'icd9cm', kind: 'gems.dx' },
  'icd9cm-icd10cm': { from: 'icd9cm', to: 'icd10cm', kind: 'gems.dx' },
  'icd10pcs-icd9pcs': { from: 'icd10pcs', to: 'icd9pcs', kind: 'gems.pcs' },
  'icd9pcs-icd10pcs': { from: 'icd9pcs', to: 'icd10pcs', kind: 'gems.pcs' },
};

export function isGemDirection(s: string): s is GemDirection {
  return Object.hasOwn(GEM_DIRECTIONS, s);
}

/** The compiled file of one direction in a gems release. */
export function gemFileName(direction: GemDirection): string {
  return `gem-${direction}.json`;
}

const ROW = /^([0-9A-Za-z]{3,7})\s+([0-9A-Za-z]{3,7})\s+([01]{3}[0-9]{2})\s*$/;
const NO_MAP = /^No(Dx|PCS|I9|I10|CM)$/i;

export interface GemRow {
  source: string;
  /** Empty when the source has no equivalent (NoDx, NoPCS, NoI9). */
  target: string;
  flags: string;
}

export function parseGemLine(line: string): GemRow | null {
  const m = ROW.exec(line);
  if (!m) return null;
  const target = NO_MAP.test(m[2]!) ? '' : m[2]!.toUpperCase();
  // Some rows name no target but leave the no-map flag unset; the target decides.
  const flags = target ? m[3]! : `${m[3]![0]}1${m[3]!.slice(2)}`;
  return { source: m[1]!.toUpperCase(), target, flags };
}

/** An ICD-10-PCS code: seven characters, and in the GEMs mostly the medical-surgical section (a digit first). */
const PCS_LIKE = /^[0-9][0-9A-HJ-NP-Z]{6}$/;

/**
 * Which way a GEM maps, from a head of its rows: the ICD-10-PCS side has
 * seven-character codes starting with a digit; otherwise the ICD-10-CM side
 * is the one whose codes start with a letter (ICD-9-CM diagnoses are mostly
 * digits; V and E codes are a minority).
 */
export function gemDirectionOfHead(lines: string[]): GemDirection | null {
  const sample = lines.slice(0, 200);
  if (sample.length < 3) return null;
  const rows: GemRow[] = [];
  for (const l of sample) {
    const r = parseGemLine(l);
    if (!r) return null;
    rows.push(r);
  }
  const share = (pick: (r: GemRow) => string, test: (c: string) => boolean) => {
    const codes = rows.map(pick).filter(Boolean);
    return codes.length ? codes.filter(test).length / codes.length : 0;
  };
  const leftPcs = share((r) => r.source, (c) => PCS_LIKE.test(c));
  const rightPcs = share((r) => r.target, (c) => PCS_LIKE.test(c));
  const procedure9 = (c: string) => /^[0-9]{3,4}$/.test(c);
  if (leftPcs >= 0.5 && share((r) => r.target, procedure9) >= 0.9) return 'icd10pcs-icd9pcs';
  if (rightPcs >= 0.5 && share((r) => r.source, procedure9) >= 0.9) return 'icd9pcs-icd10pcs';
  const letter = (c: string) => /^[A-Z]/.test(c);
  const leftLetter = share((r) => r.source, letter);
  const rightLetter = share((r) => r.target, letter);
  if (leftLetter >= 0.9 && rightLetter < 0.5) return 'icd10cm-icd9cm';
  if (rightLetter >= 0.9 && leftLetter < 0.5) return 'icd9cm-icd10cm';
  return null;
}

/**
 * A compiled direction: source code (no dot) → its rows, written compactly as
 * "TARGET:FLAGS" separated by spaces, in file order (target empty for no map).
 */
export interface GemCompiled {
  direction: GemDirection;
  rows: number;
  map: Record<string, string>;
}

export async function readGemFile(entry: SourceEntry, direction: GemDirection): Promise<{ data: GemCompiled; noMap: number; lowerCase: number }> {
  const map = new Map<string, string[]>();
  let rows = 0;
  let noMap = 0;
  let lowerCase = 0;
  let lineNo = 0;
  for await (const line of readLines(entry, 'latin1')) {
    lineNo++;
    if (!line.trim()) continue;
    const r = parseGemLine(line);
    if (!r) throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: line ${lineNo} is not a GEM row: ${JSON.stringify(line.slice(0, 40))}`, { file: entry.path, line: lineNo });
    if (/[a-z]/.test(line.split(/\s+/).slice(0, 2).join('')) && r.target) lowerCase++;
    if (!r.target) noMap++;
    rows++;
    const list = map.get(r.source);
    const entryText = `${r.target}:${r.flags}`;
    if (list) list.push(entryText);
    else map.set(r.source, [entryText]);
  }
  const out: Record<string, string> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key)!.join(' ');
  return { data: { direction, rows, map: out }, noMap, lowerCase };
}
