import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MedcoderError } from '../errors.js';
import type { CodeSetRelease } from '../releases/release.js';

/**
 * The CodiEsp corpus (CLEF eHealth 2020) and its official scoring, for the
 * diagnosis task (D, ICD-10-CM) and the procedure task (P, ICD-10-PCS):
 * codes lower-cased, duplicate gold pairs dropped, the first of duplicate
 * predictions kept, predicted codes outside the task's code set dropped,
 * predictions ranked in their order. MAP is the official metric; micro
 * precision, recall and F1 are reported on codes and on 3-character
 * categories.
 */

export type CodiEspSplit = 'train' | 'dev' | 'test' | 'background';
export type CodiEspTask = 'D' | 'P';

export interface CodiEspDocument {
  id: string;
  path: string;
}

/** The corpus folder: MEDCODER_CODIESP, or ../shared/corpora/codiesp beside the project root. */
export function defaultCodiEspDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MEDCODER_CODIESP?.trim()) return resolve(env.MEDCODER_CODIESP);
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, '..', 'shared', 'corpora', 'codiesp');
      if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return resolve(candidate);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

/** The English text files of a split, sorted by id. */
export function codiEspDocuments(dir: string, split: CodiEspSplit): CodiEspDocument[] {
  const folder = join(dir, split, 'text_files_en');
  if (!existsSync(folder)) throw new MedcoderError('INVALID_ARGUMENT', `no CodiEsp ${split} split at ${folder}`, { path: folder });
  return readdirSync(folder)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ id: f.slice(0, -4), path: join(folder, f) }));
}

/** Gold codes of a split by document, lower case, duplicates dropped, in file order. */
export function codiEspGold(dir: string, split: CodiEspSplit, task: CodiEspTask): Map<string, string[]> {
  const file = join(dir, split, `${split}${task}.tsv`);
  if (!existsSync(file)) throw new MedcoderError('INVALID_ARGUMENT', `no CodiEsp gold file ${file}`, { path: file });
  const gold = new Map<string, string[]>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const [id, code] = line.split('\t');
    if (!id || !code) continue;
    const list = gold.get(id) ?? [];
    const c = code.trim().toLowerCase();
    if (!list.includes(c)) list.push(c);
    gold.set(id, list);
  }
  return gold;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  predicted: number;
  gold: number;
}

export interface CodiEspScore {
  documents: number;
  map: number;
  codes: PrecisionRecall;
  categories: PrecisionRecall;
  /** Predicted codes dropped because they are not in the task's code set. */
  droppedPredictions: number;
  /** Gold codes that no valid code of the release matches (after mapping). */
  unmatchableGold: number;
}

function pr(tp: number, predicted: number, gold: number): PrecisionRecall {
  const precision = predicted ? tp / predicted : 0;
  const recall = gold ? tp / gold : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, truePositives: tp, predicted, gold };
}

/**
 * How codes of different editions are compared for scoring. CodiEsp's gold
 * is written without the 7th character of injury and external-cause codes
 * ("s06.9x0", "w19.xxx"), so a code is compared without its 7th character
 * and trailing placeholder X; a gold code that the release split into
 * subcodes is compared with the subcode the release calls unspecified.
 */
export class CodeMatcher {
  private readonly keys: Set<string>;
  private readonly keyMemo = new Map<string, string>();

  constructor(private readonly release: CodeSetRelease) {
    this.keys = new Set();
    for (const c of release.billableCodes()) this.keys.add(this.key(c));
  }

  /** Scoring key of a release code or a gold code. */
  key(code: string): string {
    let k = this.keyMemo.get(code);
    if (k !== undefined) return k;
    let c = code.toUpperCase();
    const nodeOf = (this.release as { node?: (c: string) => CodeNode | undefined }).node?.bind(this.release);
    const node = nodeOf?.(c);
    if (node?.k === 'extension' || (node && nodeOf && hasSeventhCharacter(node, nodeOf))) c = c.slice(0, -1);
    else if (node?.b === 1) {
      // billable as is
    } else if (node || !('node' in this.release)) {
      const d = this.release.lookup(c);
      if (d?.kind === 'extension') c = c.slice(0, -1);
      else if (d && !d.billable) {
      // Split in a later edition: the unspecified subcode stands for the old code.
        const unspecified = (d.children ?? []).filter((x) => x.billable && /\bunspecified\b/i.test(x.title));
        if (unspecified.length === 1) c = unspecified[0]!.code;
      }
    }
    k = c.replace(/X+$/, '').replace(/\.$/, '').toLowerCase();
    if (this.keyMemo.size < 200_000) this.keyMemo.set(code, k);
    return k;
  }

  /** Is there a valid code in the release with this key? */
  valid(key: string): boolean {
    return this.keys.has(key);
  }
}

interface CodeNode {
  c: string;
  t: string;
  k: string;
  b: number;
  p?: string;
  x?: Array<[string, string]>;
}

/**
 * A billable code whose last character is the 7th character of an ancestor's
 * extension list (or whose title names the encounter): some releases store such codes ("T14.8XXA", "X58.XXXA")
 * as plain codes rather than as extensions.
 */
function hasSeventhCharacter(node: CodeNode, nodeOf: (c: string) => CodeNode | undefined): boolean {
  if (node.b !== 1 || node.c.replace('.', '').length !== 7) return false;
  const last = node.c.slice(-1);
  for (let n: CodeNode | undefined = node.p ? nodeOf(node.p) : undefined; n; n = n.p ? nodeOf(n.p) : undefined) {
    if (n.x) return n.x.some(([ch]) => ch === last);
  }
  // Extension lists given only at chapter level (T14): the title names the encounter.
  return /\b(initial|subsequent) encounter\b|\bsequela$/i.test(node.t);
}

/** Score ranked predictions against gold, the CodiEsp way. */
export function scoreCodiEsp(gold: Map<string, string[]>, predictions: Map<string, string[]>, matcher: CodeMatcher): CodiEspScore {
  let apSum = 0;
  let docs = 0;
  let tp = 0;
  let predCount = 0;
  let goldCount = 0;
  let ctp = 0;
  let cpred = 0;
  let cgold = 0;
  let dropped = 0;
  let unmatchable = 0;
  for (const [id, goldCodes] of gold) {
    docs++;
    const g = [...new Set(goldCodes.map((c) => matcher.key(c)))];
    for (const k of g) if (!matcher.valid(k)) unmatchable++;
    const gset = new Set(g);
    const p: string[] = [];
    for (const c of predictions.get(id) ?? []) {
      const k = matcher.key(c);
      if (!matcher.valid(k)) {
        dropped++;
        continue;
      }
      if (!p.includes(k)) p.push(k);
    }
    let hits = 0;
    let ap = 0;
    p.forEach((k, i) => {
      if (gset.has(k)) {
        hits++;
        ap += hits / (i + 1);
      }
    });
    apSum += g.length ? ap / g.length : 0;
    tp += hits;
    predCount += p.length;
    goldCount += g.length;
    const gc = new Set(g.map((k) => k.slice(0, 3)));
    const pc = new Set(p.map((k) => k.slice(0, 3)));
    for (const c of pc) if (gc.has(c)) ctp++;
    cpred += pc.size;
    cgold += gc.size;
  }
  return {
    documents: docs,
    map: docs ? apSum / docs : 0,
    codes: pr(tp, predCount, goldCount),
    categories: pr(ctp, cpred, cgold),
    droppedPredictions: dropped,
    unmatchableGold: unmatchable,
  };
}
