import { spawn } from 'node:child_process';
import { MedcoderError } from '../errors.js';

/**
 * The text layer of the addenda PDFs, read with poppler's `pdftotext`
 * (Debian package poppler-utils). Two forms are used:
 *
 * - layout text (`-layout`): one line per printed line, the action column
 *   ("Add", "Delete", "Revise from", …) at the left and the entry after it.
 *   The Tabular List and the two indexes are read this way.
 * - words with their boxes (`-tsv`): the Table of Drugs and the Table of
 *   Neoplasms put a change marker in each cell and stack "Revise from" /
 *   "Revise to" vertically inside one column, so cells are assigned to
 *   columns by their x position under the page's column headings.
 *
 * `MEDCODER_PDFTOTEXT` names another pdftotext binary.
 */

export const PDF_PACKAGE_HINT = 'install it with "apt-get install poppler-utils" (Debian/Ubuntu), "brew install poppler" (macOS), or set MEDCODER_PDFTOTEXT to its path';

function binary(): string {
  const b = process.env.MEDCODER_PDFTOTEXT;
  return b && b.trim() ? b : 'pdftotext';
}

/** Run pdftotext on PDF bytes (fed on stdin) and return its stdout. */
async function run(args: string[], pdf: Buffer, label: string): Promise<string> {
  const bin = binary();
  return new Promise<string>((resolve, reject) => {
    let child;
    try {
      child = spawn(bin, [...args, '-', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      reject(missing(bin, e));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' || e.code === 'EACCES' ? missing(bin, e) : e));
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const msg = Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? '';
      reject(new MedcoderError('SOURCE_UNREADABLE', `${label}: pdftotext could not read the PDF (exit ${code}${msg ? `: ${msg}` : ''})`, { file: label }));
    });
    // A closed stdin (pdftotext stops reading early on a bad file) is not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(pdf);
  });
}

function missing(bin: string, cause: unknown): MedcoderError {
  return new MedcoderError(
    'PDF_TEXT_UNAVAILABLE',
    `reading the addenda PDFs needs pdftotext, which was not found ("${bin}"): ${PDF_PACKAGE_HINT}`,
    { tool: bin, package: 'poppler-utils' },
    { cause },
  );
}

/** Layout text of a PDF (pages separated by form feeds), optionally of a page range. */
export function pdfLayoutText(pdf: Buffer, label: string, pages?: { first?: number; last?: number }): Promise<string> {
  const args = ['-layout', '-enc', 'UTF-8', '-eol', 'unix'];
  if (pages?.first) args.push('-f', String(pages.first));
  if (pages?.last) args.push('-l', String(pages.last));
  return run(args, pdf, label);
}

/** One word of a PDF page with its box, in points from the top left corner. */
export interface PdfWord {
  page: number;
  x: number;
  y: number;
  w: number;
  h: number;
  text: string;
}

/** Every word of a PDF with its box, in reading order. */
export async function pdfWords(pdf: Buffer, label: string): Promise<PdfWord[]> {
  const tsv = await run(['-tsv', '-enc', 'UTF-8'], pdf, label);
  const words: PdfWord[] = [];
  for (const line of tsv.split('\n')) {
    const f = line.split('\t');
    // level 5 rows are words; the others mark pages, flows and lines.
    if (f[0] !== '5' || f.length < 12) continue;
    const text = f.slice(11).join('\t');
    if (!text.trim()) continue;
    words.push({ page: Number(f[1]), x: Number(f[6]), y: Number(f[7]), w: Number(f[8]), h: Number(f[9]), text });
  }
  return words;
}

/** Words of one printed line, left to right. */
export interface PdfLine {
  page: number;
  /** Top of the line's first word. */
  y: number;
  words: PdfWord[];
}

/**
 * Group words into printed lines: same page, baselines (top + height) within
 * `tolerance` points (an action word in a small font and the larger entry
 * beside it share a baseline, not a top), then sorted left to right. Lines
 * come top to bottom, page by page.
 */
export function wordLines(words: readonly PdfWord[], tolerance = 2.5): PdfLine[] {
  const byPage = new Map<number, PdfWord[]>();
  for (const w of words) {
    const list = byPage.get(w.page);
    if (list) list.push(w);
    else byPage.set(w.page, [w]);
  }
  const out: PdfLine[] = [];
  const base = (w: PdfWord) => w.y + w.h;
  for (const page of [...byPage.keys()].sort((a, b) => a - b)) {
    const list = byPage.get(page)!.slice().sort((a, b) => base(a) - base(b) || a.x - b.x);
    let cur: (PdfLine & { base: number }) | undefined;
    for (const w of list) {
      if (cur && Math.abs(base(w) - cur.base) <= tolerance) cur.words.push(w);
      else {
        cur = { page, y: w.y, base: base(w), words: [w] };
        out.push(cur);
      }
    }
  }
  return out.map((l) => ({ page: l.page, y: Math.min(...l.words.map((w) => w.y)), words: l.words.sort((a, b) => a.x - b.x) }));
}
