/**
 * CMS's NCCI procedure-to-procedure (PTP) edit tables as published each
 * quarter (practitioner `ccipra-vNNNrN-fN.txt`, outpatient hospital
 * `ccioph-…`): a copyright preamble, a header naming the columns, then one
 * edit per row, tab-separated (or comma-separated when saved from the
 * spreadsheet):
 *
 *   Column 1 | Column 2 | *=in existence prior to 1996 | Effective Date |
 *   Deletion Date *=no data | Modifier 0=not allowed 1=allowed 9=not applicable |
 *   PTP Edit Rationale
 *
 * Dates are YYYYMMDD; a deletion date of "*" means the edit is active. Each
 * quarter comes in several parts (f1…f4) that together make one table.
 */
import { MedcoderError } from '../errors.js';
import { parseCsv } from '../cpt/csv.js';

export interface PtpRow {
  column1: string;
  column2: string;
  /** The "*" of the "in existence prior to 1996" column. */
  before1996: boolean;
  /** YYYYMMDD as a number. */
  effective: number;
  /** YYYYMMDD as a number; 0 when the edit has no deletion date. */
  deleted: number;
  modifier: '0' | '1' | '9';
  rationale: string;
}

const CODE = /^[0-9A-Z]{5}$/;
const DATE = /^\d{8}$/;

/** Does a line read like the header of a PTP table? */
export function isPtpHeader(line: string): boolean {
  const l = line.toLowerCase();
  return /column\s*1/.test(l) && /column\s*2/.test(l) && (l.includes('1996') || l.includes('modifier') || l.includes('effective'));
}

function splitRow(line: string): string[] {
  if (line.includes('\t')) return line.split('\t').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  const rows = parseCsv(`${line}\n`, 'PTP table');
  return (rows[0]?.fields ?? []).map((f) => f.trim());
}

/** One data row, or undefined when the line is preamble, header or blank. Throws on a row that looks like data but is broken. */
export function parsePtpLine(line: string, where: string): PtpRow | undefined {
  if (!line.trim()) return undefined;
  const f = splitRow(line);
  const [c1, c2, star, eff, del, mod, ...why] = f;
  if (!c1 || !CODE.test(c1.toUpperCase()) || !c2 || !CODE.test(c2.toUpperCase())) return undefined;
  if (!eff || !DATE.test(eff)) throw new MedcoderError('SOURCE_MALFORMED', `${where}: effective date "${eff ?? ''}" is not YYYYMMDD`);
  const deletion = (del ?? '').trim();
  if (deletion !== '*' && deletion !== '' && !DATE.test(deletion)) throw new MedcoderError('SOURCE_MALFORMED', `${where}: deletion date "${deletion}" is neither YYYYMMDD nor *`);
  const m = (mod ?? '').trim();
  if (m !== '0' && m !== '1' && m !== '9') throw new MedcoderError('SOURCE_MALFORMED', `${where}: modifier indicator "${m}" is not 0, 1 or 9`);
  return {
    column1: c1.toUpperCase(),
    column2: c2.toUpperCase(),
    before1996: (star ?? '').trim() === '*',
    effective: Number(eff),
    deleted: DATE.test(deletion) ? Number(deletion) : 0,
    modifier: m,
    rationale: why.join(' ').trim(),
  };
}

/** Every edit of one PTP table part. Rows before the header are preamble. */
export function parsePtpTable(text: string, path: string): PtpRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => isPtpHeader(l));
  if (header < 0) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "Column 1 / Column 2" header row`, { path });
  const out: PtpRow[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    const row = parsePtpLine(lines[i]!, `${path} line ${i + 1}`);
    if (row) out.push(row);
  }
  if (!out.length) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no edits after the header`, { path });
  return out;
}

/**
 * The release a PTP file belongs to, from the NCCI version in its name
 * (`ccipra-v322r0-f1.txt`: version 32.2, revision 0 → 2026, July). The rows
 * carry no release; CMS names the version only in the file name. Version
 * 30 is 2024, so the year is the major number plus 1994; the minor number is
 * the quarter (0 January … 3 October).
 */
export function ptpVersionOfName(name: string): { year: number; period: string } | undefined {
  const m = /v(\d{2})(\d)r\d/i.exec(name);
  if (m) {
    const period = ['jan', 'apr', 'jul', 'oct'][Number(m[2])];
    if (period) return { year: 1994 + Number(m[1]), period };
  }
  const q = /(20\d{2})[ _-]?q([1-4])/i.exec(name);
  if (q) return { year: Number(q[1]), period: ['jan', 'apr', 'jul', 'oct'][Number(q[2]) - 1]! };
  return undefined;
}

/** Practitioner or outpatient hospital table, from CMS's file names (ccipra / ccioph). */
export function ptpTableOfName(name: string): 'practitioner' | 'hospital' {
  return /ccioph|hospital|oph/i.test(name) ? 'hospital' : 'practitioner';
}
