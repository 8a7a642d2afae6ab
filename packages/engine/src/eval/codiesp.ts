import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MedcoderError } from '../errors.js';

/**
 * CodiEsp evaluation (CLEF eHealth 2020): gold files, and the scores of the
 * shared task, MAP over ranked codes and micro precision, recall and F1 over
 * code sets, for the diagnosis (D) and procedure (P) tasks. The procedure
 * task is also scored on four-character prefixes, since about half of its
 * gold codes are four characters long.
 */

export type CodiespTask = 'D' | 'P';
export type CodiespSplit = 'train' | 'dev' | 'test';

export interface CodiespDoc {
  id: string;
  text: string;
}

/** Read the English texts of a split (text_files_en/*.txt), sorted by id. */
export function readCodiespDocs(corpus: string, split: CodiespSplit, limit = Infinity): CodiespDoc[] {
  const dir = join(corpus, split, 'text_files_en');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.txt')).sort();
  } catch (e) {
    throw new MedcoderError('SOURCE_UNREADABLE', `cannot read the CodiEsp ${split} texts in ${dir}: ${(e as Error).message}`, { path: dir }, { cause: e });
  }
  return names.slice(0, limit).map((n) => ({ id: n.slice(0, -4), text: readFileSync(join(dir, n), 'utf8') }));
}

/** Gold codes by document (upper case, dots removed), in file order. */
export function readCodiespGold(corpus: string, split: CodiespSplit, task: CodiespTask): Map<string, string[]> {
  const file = join(corpus, split, `${split}${task}.tsv`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MedcoderError('SOURCE_UNREADABLE', `cannot read the CodiEsp gold file ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
  }
  const gold = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const [doc, code] = line.split('\t');
    if (!doc || !code) continue;
    const c = normalizeCodiespCode(code);
    const list = gold.get(doc) ?? [];
    if (!list.includes(c)) list.push(c);
    gold.set(doc, list);
  }
  return gold;
}

export function normalizeCodiespCode(code: string): string {
  return code.trim().toUpperCase().replace(/\./g, '');
}

export interface CodiespScore {
  /** Mean average precision over documents with gold codes. */
  map: number;
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  docs: number;
}

/** Codes cut to a prefix length, duplicates after cutting dropped (rank order kept). */
export function cutCodes(codes: readonly string[], length?: number): string[] {
  const out: string[] = [];
  for (const c of codes) {
    const k = length ? c.slice(0, length) : c;
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

/**
 * Score ranked predictions against gold sets. Documents in `gold` are the
 * evaluated documents; a document with no prediction counts with an empty
 * list. `prefix` cuts both sides to that many characters first.
 */
export function scoreCodiesp(predicted: ReadonlyMap<string, readonly string[]>, gold: ReadonlyMap<string, readonly string[]>, prefix?: number): CodiespScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let apSum = 0;
  let docs = 0;
  for (const [doc, goldCodes] of gold) {
    const g = new Set(cutCodes(goldCodes, prefix));
    const p = cutCodes(predicted.get(doc) ?? [], prefix);
    if (g.size === 0) continue;
    docs++;
    let hits = 0;
    let ap = 0;
    p.forEach((c, i) => {
      if (g.has(c)) {
        hits++;
        ap += hits / (i + 1);
      }
    });
    apSum += ap / g.size;
    tp += hits;
    fp += p.length - hits;
    fn += g.size - hits;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { map: docs ? apSum / docs : 0, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp, fp, fn, docs };
}
