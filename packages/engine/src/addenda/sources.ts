import { MedcoderError } from '../errors.js';
import type { Progress } from '../progress.js';
import { readAll, type SourceEntry } from '../sources/entry.js';
import { walkSources } from '../sources/walk.js';
import { hintFromName } from '../releases/key.js';
import { hashEntry } from '../util/hash.js';
import { pdfLayoutText } from './pdf-text.js';

/**
 * Finding the official ICD-10-CM addenda among release files. Each addendum
 * PDF names itself on its first page ("ICD-10-CM TABULAR LIST of DISEASES and
 * INJURIES", "2026 Addenda", "January 2021 Addenda"); the kind and the update
 * are read from there, the file name only fills in a year the page omits.
 */

export type AddendumKind = 'tabular' | 'index' | 'eindex' | 'drug' | 'neoplasm';

export const ADDENDUM_KINDS: readonly AddendumKind[] = ['tabular', 'index', 'eindex', 'drug', 'neoplasm'];

export const ADDENDUM_LABELS: Readonly<Record<AddendumKind, string>> = {
  tabular: 'Tabular List',
  index: 'Alphabetic Index',
  eindex: 'External Cause Index',
  drug: 'Table of Drugs and Chemicals',
  neoplasm: 'Table of Neoplasms',
};

/** One addendum PDF. */
export interface AddendumFile {
  entry: SourceEntry;
  kind: AddendumKind;
  /** Fiscal year the changes take effect in. */
  year: number;
  /** A mid-year update ('jan', 'apr'); absent for the October release of the year. */
  period?: 'jan' | 'apr';
  /** First date of service the changes apply to. */
  effective: string;
  /** Short name of the update: "FY2026", "FY2021 January update". */
  update: string;
  /** True when the first page says there were no changes. */
  empty: boolean;
}

const KIND_BY_TITLE: Array<[RegExp, AddendumKind]> = [
  [/TABULAR\s+LIST/i, 'tabular'],
  [/EXTERNAL\s+CAUSE/i, 'eindex'],
  [/TABLE\s+of\s+DRUGS/i, 'drug'],
  [/TABLE\s+of\s+NEOPLASMS/i, 'neoplasm'],
  [/INDEX\s+to\s+DISEASES/i, 'index'],
];

/** Update key of an addendum: year and period. */
export function updateOf(year: number, period?: 'jan' | 'apr'): { effective: string; update: string } {
  if (period === 'jan') return { effective: `${year}-01-01`, update: `FY${year} January update` };
  if (period === 'apr') return { effective: `${year}-04-01`, update: `FY${year} April update` };
  return { effective: `${year - 1}-10-01`, update: `FY${year}` };
}

/**
 * What an addendum's first page says about it, or undefined when the page is
 * not an ICD-10-CM addendum.
 */
export function classifyFirstPage(text: string, name = '', context = ''): Omit<AddendumFile, 'entry'> | undefined {
  const head = text.split('\n').slice(0, 12).join(' ').replace(/\s+/g, ' ');
  if (!/ICD-10-CM/.test(head) || !/Addend/i.test(head)) return undefined;
  const kind = KIND_BY_TITLE.find(([re]) => re.test(head))?.[1];
  if (!kind) return undefined;
  const m = /\b(January|April|October)?\s*(20\d\d)\s+Addend/i.exec(head) ?? /Addend\w*\s+(January|April|October)?\s*(20\d\d)/i.exec(head);
  const hint = hintFromName(name, context);
  const year = m?.[2] ? Number(m[2]) : hint.year;
  if (!year) return undefined;
  const month = (m?.[1] ?? '').toLowerCase();
  const period = month === 'january' ? 'jan' : month === 'april' ? 'apr' : undefined;
  const empty = /\bno changes\b/i.test(text) && text.replace(/\s+/g, ' ').trim().length < 400;
  return { kind, year, ...(period ? { period } : {}), ...updateOf(year, period), empty };
}

/**
 * Every ICD-10-CM addendum PDF in the folders (zip members included), sorted
 * by the date its changes take effect, then by kind.
 */
export async function findAddenda(dirs: readonly string[], progress?: Progress): Promise<AddendumFile[]> {
  const out: AddendumFile[] = [];
  for (const dir of dirs) {
    const { entries } = await walkSources(dir, { includePdf: true });
    const pdfs = entries.filter((e) => /\.pdf$/i.test(e.name));
    const step = progress?.step(`looking for addenda in ${dir}`, pdfs.length);
    for (const entry of pdfs) {
      step?.advance(1);
      const bytes = await readAll(entry);
      if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') continue;
      let first: string;
      try {
        first = await pdfLayoutText(bytes, entry.path, { first: 1, last: 1 });
      } catch (e) {
        if ((e as MedcoderError).code === 'PDF_TEXT_UNAVAILABLE') throw e;
        progress?.note(`skipped ${entry.path}: ${(e as Error).message}`);
        continue;
      }
      const c = classifyFirstPage(first, entry.name, entry.context);
      if (c) out.push({ entry, ...c });
    }
    step?.done(`${out.length} addenda`);
  }
  // One file per kind and update: the same addendum found twice (two folders, a zip and its copy) is read once.
  const seen = new Map<string, AddendumFile>();
  const hashes = new Map<AddendumFile, string>();
  for (const a of out) hashes.set(a, (await hashEntry(a.entry)).sha256);
  const unique: AddendumFile[] = [];
  for (const a of out) {
    const key = `${a.effective}/${a.kind}`;
    const prior = seen.get(key);
    if (prior) {
      if (hashes.get(prior) !== hashes.get(a)) {
        throw new MedcoderError('INVALID_ARGUMENT', `two different ${ADDENDUM_LABELS[a.kind]} addenda for ${a.update}: ${prior.entry.path} and ${a.entry.path}; keep one`, { files: [prior.entry.path, a.entry.path] });
      }
      continue;
    }
    seen.set(key, a);
    unique.push(a);
  }
  return unique.sort((a, b) => a.effective.localeCompare(b.effective) || ADDENDUM_KINDS.indexOf(a.kind) - ADDENDUM_KINDS.indexOf(b.kind));
}
