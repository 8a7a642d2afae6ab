import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseClaim, type Claim } from '../claims/model.js';
import { isMedcoderError } from '../errors.js';
import { fixturePath } from '../testing/x12-examples.js';
import { cms1500Pdf } from './cms1500.js';

/**
 * The CMS-1500 is checked the way a person would: rendered to PNG with
 * poppler's pdftoppm (kept in .cache/claim-output/ to look at), and the
 * position of each printed word read back with pdftotext -bbox to check that
 * data sits inside its box and never runs across the service-line columns.
 * .ci/run installs poppler-utils.
 */

const OUT = fileURLToPath(new URL('../../../../.cache/claim-output/', import.meta.url));
mkdirSync(OUT, { recursive: true });

function claim(name: string): Claim {
  return parseClaim(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

interface Word {
  text: string;
  page: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Words with their boxes in PDF points (origin top left), from pdftotext -bbox. */
function words(pdf: string): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const out: Word[] = [];
  let page = 0;
  for (const line of html.split('\n')) {
    if (line.includes('<page ')) page++;
    const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/.exec(line);
    if (m) out.push({ text: m[5]!.replace(/&amp;/g, '&'), page, x1: Number(m[1]), y1: Number(m[2]), x2: Number(m[3]), y2: Number(m[4]) });
  }
  return out;
}

function inBox(w: Word, x1: number, y1: number, x2: number, y2: number): boolean {
  return w.x1 >= x1 - 0.5 && w.x2 <= x2 + 0.5 && w.y1 >= y1 - 0.5 && w.y2 <= y2 + 0.5;
}

function find(ws: Word[], text: string, page = 1): Word[] {
  return ws.filter((w) => w.text === text && w.page === page);
}

async function render(c: Claim, name: string): Promise<{ pdf: string; png: string[] }> {
  const pdf = `${OUT}cms1500-${name}.pdf`;
  writeFileSync(pdf, await cms1500Pdf(c, { signedOn: '2026-11-20' }));
  try {
    execFileSync('pdftoppm', ['-png', '-r', '100', pdf, `${OUT}cms1500-${name}`]);
  } catch (e) {
    throw new Error(`pdftoppm failed (install poppler-utils): ${(e as Error).message}`);
  }
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  return { pdf, png: Array.from({ length: pages }, (_, i) => `${OUT}cms1500-${name}-${pages > 9 ? String(i + 1).padStart(2, '0') : i + 1}.png`) };
}

function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  assert.equal(b.toString('latin1', 1, 4), 'PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Columns of box 24 (x ranges, points) as drawn by cms1500.ts. */
const COLUMNS: [string, number, number][] = [
  ['A from', 18, 88], ['A to', 88, 158], ['B', 158, 180], ['C', 180, 200], ['D code', 200, 250],
  ['D mod 1', 250, 270], ['D mod 2', 270, 290], ['D mod 3', 290, 310], ['D mod 4', 310, 330], ['E', 330, 376],
  ['F dollars', 376, 426], ['F cents', 426, 446], ['G', 446, 476], ['H', 476, 496], ['I', 496, 516], ['J', 516, 594],
];

test('multi-line claim: rendered to a letter-size PNG, each value in its box, nothing across the line columns', async () => {
  const { pdf, png } = await render(claim('multi-line'), 'multi-line');
  assert.equal(png.length, 1);
  assert.deepEqual(pngSize(png[0]!), { width: 850, height: 1100 });
  const ws = words(pdf);
  // Box 2 patient, box 4 insured, box 1a member id, box 3 birth date.
  assert.ok(find(ws, 'BENNETT,').some((w) => inBox(w, 18, 106, 228, 130)), 'patient name in box 2');
  assert.ok(find(ws, 'BENNETT,').some((w) => inBox(w, 372, 106, 594, 130)), 'insured name in box 4');
  assert.ok(find(ws, 'BCX100200300').some((w) => inBox(w, 372, 82, 594, 106)), 'member id in box 1a');
  assert.ok(find(ws, '2015').some((w) => inBox(w, 228, 106, 372, 130)), 'birth date in box 3');
  // Box 17 referring provider and 17b NPI, box 21 diagnoses, box 23 prior authorization.
  assert.ok(find(ws, 'CHEN').some((w) => inBox(w, 18, 376, 228, 400)));
  assert.ok(find(ws, '1938475625').some((w) => inBox(w, 228, 388, 372, 400)));
  assert.ok(find(ws, 'S52.521A').some((w) => inBox(w, 18, 424, 372, 472)));
  assert.ok(find(ws, 'Y93.39').some((w) => inBox(w, 18, 424, 372, 472)));
  assert.ok(find(ws, 'PA2026-0917').some((w) => inBox(w, 372, 448, 594, 472)));
  // Box 24: six lines; codes in column D, pointers in E, the NDC in the shaded half of line 6.
  const codes = ['99204', '25600', '73110', '12001', 'Q4012', 'J1885'];
  codes.forEach((code, i) => {
    const top = 498 + 24 * i;
    assert.ok(find(ws, code).some((w) => inBox(w, 200, top + 12, 250, top + 24)), `${code} in line ${i + 1}, column D`);
  });
  assert.ok(find(ws, 'ABCD').some((w) => inBox(w, 330, 510, 376, 522)));
  assert.ok(find(ws, 'N400409379501').some((w) => inBox(w, 18, 618, 594, 630)));
  // (The line numbers in the left margin and the side caption in the right one are part of the form.)
  for (const w of ws.filter((x) => x.x1 >= 18 && x.x2 <= 594 && x.y1 >= 498 + 12 && x.y2 <= 642 && (x.y1 - 498) % 24 >= 12)) {
    assert.ok(COLUMNS.some(([, a, b]) => inBox(w, a, w.y1, b, w.y2)), `"${w.text}" at x ${w.x1.toFixed(1)}-${w.x2.toFixed(1)} runs across a column line`);
  }
  // Boxes 25, 26, 28, 32, 33 and their NPIs.
  assert.ok(find(ws, '31-5522907').some((w) => inBox(w, 18, 642, 170, 666)));
  assert.ok(find(ws, 'RBO-88213').some((w) => inBox(w, 170, 642, 290, 666)));
  assert.ok(find(ws, '1059').some((w) => inBox(w, 372, 642, 450, 666)));
  assert.ok(find(ws, 'AMBULATORY').some((w) => inBox(w, 170, 666, 372, 728)));
  assert.ok(find(ws, '1122334455').some((w) => inBox(w, 170, 728, 270, 744)));
  assert.ok(find(ws, 'ORTHOPEDICS').some((w) => inBox(w, 372, 666, 594, 728)));
  assert.ok(find(ws, '1654987324').some((w) => inBox(w, 372, 728, 483, 744)));
  // Nothing printed off the page or beyond the form's right edge.
  for (const w of ws) assert.ok(w.x2 <= 612 && w.y2 <= 792 && w.x1 >= 0, `"${w.text}" leaves the page`);
});

test('office visit: box 33 telephone, box 32 filled from the billing provider, box 31 signer', async () => {
  const { pdf, png } = await render(claim('office-visit'), 'office-visit');
  assert.equal(png.length, 1);
  const ws = words(pdf);
  assert.ok(find(ws, '(217)').some((w) => inBox(w, 372, 666, 594, 680)));
  assert.ok(find(ws, 'LAKESIDE').some((w) => inBox(w, 170, 666, 372, 728)), 'service facility (box 32) is the billing provider');
  assert.ok(find(ws, 'PARK').some((w) => inBox(w, 18, 666, 170, 744)), 'rendering provider signs box 31');
  assert.ok(find(ws, 'J06.9').length === 1);
});

test('a claim of eight lines takes two pages; each page totals its own lines', async () => {
  const c = claim('multi-line');
  c.lines.push(structuredClone(c.lines[1]!), structuredClone(c.lines[2]!));
  const { pdf, png } = await render(c, 'eight-lines');
  assert.equal(png.length, 2);
  const ws = words(pdf);
  assert.ok(find(ws, '1059', 1).some((w) => inBox(w, 372, 642, 450, 666)), 'page 1 totals lines 1-6');
  assert.ok(find(ws, '545', 2).some((w) => inBox(w, 372, 642, 450, 666)), 'page 2 totals lines 7-8 (450 + 95)');
  assert.ok(find(ws, 'PAGE', 2).length === 1);
});

test('the CMS-1500 is for professional claims only', async () => {
  await assert.rejects(cms1500Pdf(claim('inpatient')), (e: unknown) => isMedcoderError(e) && e.code === 'INVALID_ARGUMENT');
});
