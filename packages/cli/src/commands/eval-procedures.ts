import { writeFileSync } from 'node:fs';
import { CodeSets, CODIESP_PCS_DATE, evaluateCodiespProcedures, MedcoderError, type CodiespScore, type CodiespSplit } from '@medcoder/engine';
import { printJson, println } from '../output.js';

/**
 * `medcoder eval codiesp --task P`: ICD-10-PCS procedure coding of the
 * CodiEsp notes, MAP and micro precision/recall/F1 on full codes and on
 * four-character prefixes (about half of the gold codes are prefixes).
 */

export interface ProcedureEvalOptions {
  split: string;
  date?: string;
  limit?: string;
  predictions?: string;
  json?: boolean;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const fmt = (s: CodiespScore) => `MAP ${s.map.toFixed(3)}  P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;
const round = (s: CodiespScore) => ({ map: r3(s.map), precision: r3(s.precision), recall: r3(s.recall), f1: r3(s.f1), tp: s.tp, fp: s.fp, fn: s.fn, documents: s.docs });

/** Run task P. `diagnosisDate` is the D task's default date: it is replaced by the ICD-10-PCS release's date. */
export async function evalCodiespProcedures(corpus: string, opts: ProcedureEvalOptions, diagnosisDate?: string): Promise<void> {
  const limit = opts.limit !== undefined ? Number(opts.limit) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new MedcoderError('INVALID_ARGUMENT', `--limit must be a positive whole number, not "${opts.limit}"`);
  const date = !opts.date || opts.date === diagnosisDate ? CODIESP_PCS_DATE : opts.date;
  const cs = await CodeSets.open();
  const r = await evaluateCodiespProcedures(cs, { corpus, split: opts.split as CodiespSplit, date, ...(limit ? { limit } : {}) });
  if (opts.predictions) {
    const lines: string[] = [];
    for (const [id, codes] of r.predictions) for (const c of codes) lines.push(`${id}\t${c}`);
    writeFileSync(opts.predictions, `${lines.join('\n')}\n`);
  }
  if (opts.json) {
    printJson({ corpus: 'codiesp', split: r.split, task: 'P', release: r.release, documents: r.documents, codes: round(r.full), prefix4: round(r.prefix4), msPerDocument: r3(r.msPerDocument), warnings: r.warnings });
    return;
  }
  println(`CodiEsp ${r.split}, task P (ICD-10-PCS): ${r.documents} documents coded against ${r.release}`);
  println(`  codes      ${fmt(r.full)}`);
  println(`  prefix 4   ${fmt(r.prefix4)}`);
  println(`  ${r.msPerDocument.toFixed(1)} ms per document (document model and procedure coding); incomplete builds are submitted as their first 4 characters`);
  for (const w of r.warnings) println(`  ! ${w}`);
}
