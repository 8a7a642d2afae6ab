import { fromCompactDate, type IsoDate } from '../dates.js';
import type { SourceEntry } from '../sources/entry.js';
import { readLines } from '../sources/entry.js';
import type { HcpcsAttributes, HcpcsItem } from './compiled.js';

/**
 * The CMS Alpha-Numeric HCPCS record file (HCPCyyyy_..._ANWEB.txt): Latin-1,
 * 320-character fixed-width records, preceded by a free-text disclaimer.
 * Columns (1-based, inclusive; from the CMS record layout):
 *
 *   1-5 code (modifier rows: blanks in 1-3, modifier in 4-5) · 6-10 sequence ·
 *   11 record id (3 first line of a procedure, 4 continuation of its long
 *   description, 7 first line of a modifier, 8 continuation) · 12-91 long
 *   description (continued over records) · 92-119 short description ·
 *   120-127 pricing indicators (4×2) · 128 multiple pricing indicator ·
 *   205-229 cross-reference codes (5×5) · 230 coverage · 253-256 processing
 *   note · 257-259 BETOS · 261-265 type of service (5×1) · 266-268 anesthesia
 *   base units · 269-276 add date · 277-284 action effective date · 285-292
 *   termination date · 293 action code. Dates are YYYYMMDD.
 */
export const RECORD_LENGTH = 320;

/** The first eleven characters of a record: code or blank-padded modifier, sequence, record id. */
const RECORD_HEAD = /^(?:([A-Z][0-9]{4})|   ([A-Z0-9]{2}))([0-9]{5})([3478])/;

export interface RawRecord {
  code: string;
  kind: 'code' | 'modifier';
  sequence: number;
  /** True for the first record of a code (id 3 or 7); false for a description continuation. */
  first: boolean;
  line: string;
}

/** Columns [from, to] 1-based inclusive, trimmed. */
function col(line: string, from: number, to: number): string {
  return line.slice(from - 1, to).trim();
}

function repeated(line: string, from: number, width: number, times: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < times; i++) {
    const v = col(line, from + i * width, from + (i + 1) * width - 1);
    if (v) out.push(v);
  }
  return out;
}

export function parseRecordHead(line: string): RawRecord | null {
  const m = RECORD_HEAD.exec(line);
  if (!m) return null;
  const modifier = m[2];
  return {
    code: (m[1] ?? modifier)!,
    kind: modifier ? 'modifier' : 'code',
    sequence: Number(m[3]),
    first: m[4] === '3' || m[4] === '7',
    line: line.length < RECORD_LENGTH ? line.padEnd(RECORD_LENGTH) : line,
  };
}

/** The description part of any record (first or continuation). */
export function longDescriptionPart(line: string): string {
  return col(line, 12, 91);
}

/** The administrative fields of a first record (id 3 or 7). */
export function recordAttributes(line: string): HcpcsAttributes {
  const a: HcpcsAttributes = {};
  const add = fromCompactDate(col(line, 269, 276));
  const eff = fromCompactDate(col(line, 277, 284));
  const term = fromCompactDate(col(line, 285, 292));
  if (add) a.addDate = add;
  if (eff) a.actionEffectiveDate = eff;
  if (term) a.terminationDate = term;
  const action = col(line, 293, 293);
  if (action) a.actionCode = action;
  const pricing = repeated(line, 120, 2, 4);
  if (pricing.length) a.pricingIndicator = pricing;
  const mpi = col(line, 128, 128);
  if (mpi) a.multiplePricingIndicator = mpi;
  const coverage = col(line, 230, 230);
  if (coverage) a.coverage = coverage;
  const xref = repeated(line, 205, 5, 5);
  if (xref.length) a.crossReference = xref;
  const note = col(line, 253, 256);
  if (note) a.processingNote = note;
  const betos = col(line, 257, 259);
  if (betos) a.betos = betos;
  const tos = repeated(line, 261, 1, 5);
  if (tos.length) a.typeOfService = tos;
  const units = col(line, 266, 268);
  if (/^[0-9]+$/.test(units) && Number(units) > 0) a.anesthesiaBaseUnits = Number(units);
  return a;
}

/**
 * True when a file head is HCPCS records: a free-text block (the disclaimer)
 * may come first; from the first record on, nearly every non-blank line is one.
 */
export function looksLikeRecordFile(lines: string[]): boolean {
  const isRecord = (l: string) => l.length >= 100 && RECORD_HEAD.test(l);
  const nonBlank = lines.filter((l) => l.trim().length > 0);
  const first = nonBlank.findIndex(isRecord);
  if (first < 0 || first > 50) return false;
  const rest = nonBlank.slice(first, first + 200);
  const records = rest.filter(isRecord).length;
  return records >= 3 && records >= rest.length * 0.9;
}

/** The latest add or action effective date among first records: the release the file is for. */
export function latestRecordDate(lines: Iterable<string>): IsoDate | undefined {
  let latest: IsoDate | undefined;
  for (const line of lines) {
    const r = parseRecordHead(line);
    if (!r?.first) continue;
    for (const d of [fromCompactDate(col(r.line, 269, 276)), fromCompactDate(col(r.line, 277, 284))]) {
      if (d && (!latest || d > latest)) latest = d;
    }
  }
  return latest;
}

export interface RecordFile {
  items: HcpcsItem[];
  /** Latest add / action effective date in the file. */
  latest?: IsoDate;
  /** Lines that are not records (disclaimer, blank). */
  otherLines: number;
  /** Remarks: orphan continuation records, duplicate codes. */
  notes: string[];
}

/** Read a whole record file: one item per code or modifier, long descriptions joined over continuation records. */
export async function readRecordFile(entry: SourceEntry): Promise<RecordFile> {
  const lines: string[] = [];
  for await (const line of readLines(entry, 'latin1')) lines.push(line);
  return parseRecordLines(lines);
}

export function parseRecordLines(lines: Iterable<string>): RecordFile {
  const items = new Map<string, HcpcsItem>();
  const parts = new Map<string, string[]>();
  const notes: string[] = [];
  let current: { item: HcpcsItem; parts: string[] } | undefined;
  let otherLines = 0;
  let latest: IsoDate | undefined;
  for (const raw of lines) {
    const r = parseRecordHead(raw);
    if (!r) {
      otherLines++;
      continue;
    }
    const text = longDescriptionPart(r.line);
    if (r.first) {
      const a = recordAttributes(r.line);
      for (const d of [a.addDate, a.actionEffectiveDate]) if (d && (!latest || d > latest)) latest = d;
      const short = col(r.line, 92, 119);
      const item: HcpcsItem = { c: r.code, k: r.kind, t: '', ...(short ? { s: short } : {}), a };
      if (items.has(r.code)) notes.push(`${r.code} appears more than once; the last record is kept`);
      items.set(r.code, item);
      current = { item, parts: text ? [text] : [] };
      parts.set(r.code, current.parts);
    } else if (current && current.item.c === r.code && current.item.k === r.kind) {
      if (text) current.parts.push(text);
    } else {
      notes.push(`continuation record of ${r.code} without its first record was ignored`);
    }
  }
  for (const item of items.values()) {
    item.t = (parts.get(item.c) ?? []).join(' ').replace(/\s+/g, ' ').trim() || item.s || '';
  }
  const sorted = [...items.values()].sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
  return { items: sorted, ...(latest ? { latest } : {}), otherLines, notes };
}
