import { MedcoderError } from '../errors.js';
import { parseIsoDate, type IsoDate } from '../dates.js';
import type { SourceEntry } from '../sources/entry.js';
import { readText } from '../sources/entry.js';

/**
 * A user's own licensed CPT file, as CSV (UTF-8, comma-separated, RFC 4180
 * quoting: fields with commas, quotes or line breaks in double quotes, a quote
 * inside written twice). The first line is the header:
 *
 *   code,short,long[,effective_from,effective_to]
 *
 * code: five digits, or four digits and F, T, U or M (99213, 0001F, 0042T);
 * short / long: the descriptors; effective_from / effective_to: optional
 * YYYY-MM-DD, the dates of service the code may be reported for (blank =
 * open). CPT descriptors are the AMA's: medcoder ships none and never should.
 */
export const CPT_COLUMNS = ['code', 'short', 'long', 'effective_from', 'effective_to'] as const;

export const CPT_CODE = /^[0-9]{4}[0-9FTUM]$/;

export interface CptRow {
  code: string;
  short: string;
  long: string;
  effectiveFrom?: IsoDate;
  effectiveTo?: IsoDate;
}

/** Split CSV text into records of fields. Throws CPT_FILE_INVALID on an unterminated quote. */
export function parseCsv(text: string, file = 'CPT file'): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) out.push({ line: start, fields });
    fields = [];
    field = '';
    start = line;
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else field += ch;
  }
  if (quoted) throw new MedcoderError('CPT_FILE_INVALID', `${file}: a quoted field opened on line ${start} is never closed`, { file, line: start });
  if (field !== '' || fields.length) endRecord();
  return out;
}

/** The column order of a CPT header line, or null when the line is not one. */
export function cptHeader(firstLine: string): string[] | null {
  const cols = firstLine.replace(/^\uFEFF/, '').split(',').map((c) => c.trim().toLowerCase().replace(/^"(.*)"$/, '$1'));
  if (cols.length < 3 || cols.length > 5) return null;
  for (let i = 0; i < cols.length; i++) if (cols[i] !== CPT_COLUMNS[i]) return null;
  return cols;
}

function optionalDate(value: string | undefined, field: string, file: string, line: number): IsoDate | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  try {
    return parseIsoDate(v, field);
  } catch {
    throw new MedcoderError('CPT_FILE_INVALID', `${file}: line ${line}: ${field} must be YYYY-MM-DD, got "${v}"`, { file, line, field });
  }
}

/** Parse CPT CSV text. Throws CPT_FILE_INVALID with the line for anything that is not a CPT row. */
export function parseCptCsv(text: string, file = 'CPT file'): { rows: CptRow[]; notes: string[] } {
  const records = parseCsv(text, file);
  const head = records.shift();
  const header = head ? cptHeader(head.fields.join(',')) : null;
  if (!head || !header) {
    throw new MedcoderError('CPT_FILE_INVALID', `${file}: the first line must be the header "${CPT_COLUMNS.join(',')}" (the last two columns optional)`, { file });
  }
  const rows = new Map<string, CptRow>();
  const notes: string[] = [];
  for (const { line, fields } of records) {
    if (fields.length !== header.length) {
      throw new MedcoderError('CPT_FILE_INVALID', `${file}: line ${line} has ${fields.length} fields; the header has ${header.length}`, { file, line });
    }
    const code = fields[0]!.trim().toUpperCase();
    if (!CPT_CODE.test(code)) throw new MedcoderError('CPT_FILE_INVALID', `${file}: line ${line}: "${code}" is not a CPT code (five digits, or four digits and F, T, U or M)`, { file, line });
    const short = fields[1]!.trim();
    const long = fields[2]!.trim();
    if (!short && !long) throw new MedcoderError('CPT_FILE_INVALID', `${file}: line ${line}: ${code} has no descriptor`, { file, line });
    const effectiveFrom = optionalDate(fields[3], 'effective_from', file, line);
    const effectiveTo = optionalDate(fields[4], 'effective_to', file, line);
    if (rows.has(code)) notes.push(`${code} is listed more than once; line ${line} is kept`);
    rows.set(code, { code, short: short || long, long: long || short, ...(effectiveFrom ? { effectiveFrom } : {}), ...(effectiveTo ? { effectiveTo } : {}) });
  }
  return { rows: [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)), notes };
}

export async function readCptCsv(entry: SourceEntry): Promise<{ rows: CptRow[]; notes: string[] }> {
  return parseCptCsv(await readText(entry, 'utf8'), entry.path);
}

/** The release year a CPT file's rows give: the latest effective_from year. */
export function cptYear(rows: Array<{ effectiveFrom?: string }>): number | undefined {
  let year: number | undefined;
  for (const r of rows) {
    const y = r.effectiveFrom ? Number(r.effectiveFrom.slice(0, 4)) : undefined;
    if (y !== undefined && (year === undefined || y > year)) year = y;
  }
  return year;
}
