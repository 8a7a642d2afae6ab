import type { SourceEntry } from './entry.js';
import { readLines } from './entry.js';
import { MedcoderError } from '../errors.js';

/**
 * One row of a CDC/CMS "order file" (ICD-10-CM and ICD-10-PCS share the
 * layout): columns 1-5 order number, 7-13 code without dot, 15 valid flag
 * (1 billable, 0 header), 17-76 short title, 78 on long title.
 */
export interface OrderRow {
  order: number;
  code: string;
  billable: boolean;
  short: string;
  long: string;
}

const ROW = /^(\d{5}) ([A-Z0-9]{3,7}) *([01]) (.*)$/;

export function parseOrderLine(line: string): OrderRow | null {
  const m = ROW.exec(line);
  if (!m) return null;
  const rest = line.slice(16);
  return {
    order: Number(m[1]),
    code: m[2]!,
    billable: m[3] === '1',
    short: rest.slice(0, 60).trim(),
    long: rest.slice(61).trim() || rest.slice(0, 60).trim(),
  };
}

/** True when the first lines of a text look like an order file. */
export function looksLikeOrderFile(lines: string[]): boolean {
  const sample = lines.slice(0, 50);
  return sample.length >= 3 && sample.every((l) => ROW.test(l) && l.length >= 18);
}

export async function readOrderFile(entry: SourceEntry): Promise<OrderRow[]> {
  const rows: OrderRow[] = [];
  let lineNo = 0;
  for await (const line of readLines(entry, 'latin1')) {
    lineNo++;
    if (!line.trim()) continue;
    const row = parseOrderLine(line);
    if (!row) throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: line ${lineNo} is not an order-file row: ${JSON.stringify(line.slice(0, 40))}`, { file: entry.path, line: lineNo });
    rows.push(row);
  }
  return rows;
}
