import { parseDocument } from '../document/document.js';
import type { CodeSets } from '../releases/registry.js';
import { openPcsCoder } from '../procedures/code-procedures.js';
import { readCodiespDocs, readCodiespGold, scoreCodiesp, type CodiespScore, type CodiespSplit } from './codiesp.js';

/**
 * CodiEsp task P: ICD-10-PCS codes for the English case reports, scored on
 * full codes and on four-character prefixes. A build that stops before the
 * seventh character is submitted as its first four characters (the gold
 * standard's way of writing a partly specified code).
 */

/** CodiEsp codes were assigned with the 2018-2019 edition; FY2026 is the only ICD-10-PCS release shipped, so it answers. */
export const CODIESP_PCS_DATE = '2026-03-01';

export interface CodiespProcedureResult {
  split: CodiespSplit;
  documents: number;
  release: string;
  full: CodiespScore;
  prefix4: CodiespScore;
  /** Mean milliseconds per document (document model + procedure coding). */
  msPerDocument: number;
  predictions: Map<string, string[]>;
  warnings: string[];
}

export async function evaluateCodiespProcedures(codeSets: CodeSets, opts: { corpus: string; split: CodiespSplit; limit?: number; date?: string }): Promise<CodiespProcedureResult> {
  const { coder, warnings } = await openPcsCoder(codeSets, opts.date ?? CODIESP_PCS_DATE);
  const docs = readCodiespDocs(opts.corpus, opts.split, opts.limit);
  const goldAll = readCodiespGold(opts.corpus, opts.split, 'P');
  const gold = new Map<string, string[]>();
  for (const d of docs) gold.set(d.id, goldAll.get(d.id) ?? []);
  const predictions = new Map<string, string[]>();
  const t0 = performance.now();
  for (const d of docs) {
    const doc = parseDocument(d.text);
    const spans = { text: doc.text, sentences: doc.sentences.map((s) => ({ start: s.start, end: s.end, section: doc.sections[s.section]?.kind ?? 'body' })) };
    // Case reports tell the whole story: earlier and planned procedures are coded as the corpus does.
    const codes = coder.code(spans, { includeHistory: true, includePlanned: true }).map((s) => (s.code.length === 7 ? s.code : s.code.slice(0, 4)));
    predictions.set(d.id, [...new Set(codes)]);
  }
  const ms = (performance.now() - t0) / Math.max(1, docs.length);
  return {
    split: opts.split,
    documents: docs.length,
    release: coder.release.ref.label,
    full: scoreCodiesp(predictions, gold),
    prefix4: scoreCodiesp(predictions, gold, 4),
    msPerDocument: ms,
    predictions,
    warnings,
  };
}
