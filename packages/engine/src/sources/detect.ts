import type { ReleaseSystem, TableSystem } from '../systems.js';
import type { SourceEntry } from './entry.js';
import { readHead } from './entry.js';

/** The kinds of official release files medcoder reads. */
export type SourceKind =
  | 'icd10cm.tabular'
  | 'icd10cm.index'
  | 'icd10cm.neoplasm'
  | 'icd10cm.drug'
  | 'icd10cm.eindex'
  | 'icd10cm.order'
  | 'icd10pcs.tables'
  | 'icd10pcs.definitions'
  | 'icd10pcs.order'
  | 'hcpcs.records'
  | 'icd9cm.descriptions'
  | 'icd9pcs.descriptions'
  | 'gems.dx'
  | 'gems.pcs'
  | 'cpt.csv'
  | `${TableSystem}.${string}`;

export interface Detection {
  kind: SourceKind;
  system: ReleaseSystem;
  /** Release year from content; undefined when the content does not say. */
  year?: number;
  period?: string;
  /** Extra facts found while detecting (direction of a GEM, long vs short titles, …). */
  facts?: Record<string, string>;
  /** When set, the file is recognised but not used; the text says why. */
  ignore?: string;
}

/**
 * A detector looks at the first 64 KiB of a file (decoded as UTF-8 and as
 * Latin-1) and says what it is, or null. Detectors never look at file names;
 * names only fill in a release year the content does not state.
 */
export interface Detector {
  name: string;
  detect(head: { text: string; latin1: string; bytes: Buffer }, entry: SourceEntry): Detection | null;
}

const detectors: Detector[] = [];

export function registerDetector(d: Detector): void {
  if (!detectors.some((x) => x.name === d.name)) detectors.push(d);
}

export function registeredDetectors(): readonly Detector[] {
  return detectors;
}

export async function detectEntry(entry: SourceEntry): Promise<Detection | null> {
  const bytes = await readHead(entry, 65536);
  const head = { bytes, text: bytes.toString('utf8'), latin1: bytes.toString('latin1') };
  for (const d of detectors) {
    const found = d.detect(head, entry);
    if (found) return found;
  }
  return null;
}

/** The root element name and `<version>` of an XML document head, if it is XML. */
export function xmlRoot(text: string): { root: string; version?: number } | null {
  const t = text.replace(/^\uFEFF/, '');
  const m = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.:-]*)[\s>]/.exec(t);
  if (!m || !m[1]) return null;
  const v = /<version>\s*(\d{4})\s*<\/version>/.exec(t);
  return v?.[1] ? { root: m[1], version: Number(v[1]) } : { root: m[1] };
}

/** Non-empty lines of a head, without the last (possibly cut) line. */
export function headLines(text: string, max = 200): string[] {
  const lines = text.split(/\r?\n/);
  lines.pop();
  return lines.filter((l) => l.trim().length > 0).slice(0, max);
}
