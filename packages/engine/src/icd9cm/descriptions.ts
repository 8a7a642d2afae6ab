import { MedcoderError } from '../errors.js';
import type { SourceEntry } from '../sources/entry.js';
import { readLines } from '../sources/entry.js';
import type { Icd9System } from './code.js';

/**
 * The CMS ICD-9-CM description files (CMSnn_DESC_{LONG,SHORT}_{DX,SG}.txt):
 * Latin-1, one code per line, "code<space(s)>title", codes without dots.
 * DX files hold diagnoses (V and E codes, five-character codes); SG files
 * hold procedures (three or four digits). Short titles have at most 24
 * characters. Category headers are not in these files: every code is reportable.
 */
const LINE = /^([0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4}) +(\S.*?)\s*$/;
/** A GEM row ("0010  A000    00000") has the same start; it must not pass for a description. */
const GEM_ROW = /^\S+\s+\S+\s+[01]{3}[0-9]{2}\s*$/;

export const SHORT_TITLE_MAX = 24;

export interface DescriptionsShape {
  system: Icd9System;
  titles: 'long' | 'short';
}

/** What a head of lines is, when every line is an ICD-9-CM code with a title. */
export function describeHead(lines: string[]): DescriptionsShape | null {
  const sample = lines.slice(0, 200);
  if (sample.length < 3) return null;
  const rows: Array<[string, string]> = [];
  for (const l of sample) {
    const m = LINE.exec(l);
    if (!m || GEM_ROW.test(l) || !/[A-Za-z]/.test(m[2]!)) return null;
    rows.push([m[1]!, m[2]!]);
  }
  const procedures = rows.every(([c]) => /^[0-9]{3,4}$/.test(c));
  const diagnoses = rows.some(([c]) => c.length === 5 || /^[VE]/.test(c));
  if (!procedures && !diagnoses) return null;
  const longest = Math.max(...rows.map(([, t]) => t.length));
  return { system: procedures ? 'icd9pcs' : 'icd9cm', titles: longest > SHORT_TITLE_MAX ? 'long' : 'short' };
}

/**
 * The CMS version number named by a file or its folders (CMS32_…, cms_v32.zip,
 * …/v32/) as a fiscal year: version n took effect on October 1 of FY 1983+n
 * (v32 → FY2015, effective 2014-10-01; v31 → FY2014). The files carry no year
 * in their content, so the version in the name is the only hint; without it
 * the importer falls back on a four-digit year in the name.
 */
export function fiscalYearFromVersionName(name: string, context: string): { version: number; year: number } | undefined {
  for (const text of [name, ...context.split('/').reverse()]) {
    const m = /(?:^|[^A-Za-z])CMS_?v?([0-9]{2})(?![0-9])/i.exec(text) ?? /(?:^|[^A-Za-z])v([0-9]{2})(?![0-9])/i.exec(text);
    if (m) {
      const version = Number(m[1]);
      if (version >= 20 && version <= 40) return { version, year: 1983 + version };
    }
  }
  return undefined;
}

/** Every code and title of a description file, codes without dots. */
export async function readDescriptions(entry: SourceEntry): Promise<Array<[string, string]>> {
  const rows: Array<[string, string]> = [];
  let lineNo = 0;
  for await (const line of readLines(entry, 'latin1')) {
    lineNo++;
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m) throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: line ${lineNo} is not "code title": ${JSON.stringify(line.slice(0, 40))}`, { file: entry.path, line: lineNo });
    rows.push([m[1]!, m[2]!]);
  }
  return rows;
}
