import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CodeMatcher,
  CodeSets,
  codiEspDocuments,
  codiEspGold,
  defaultCodiEspDir,
  diagnosisCoder,
  goldFate,
  MedcoderError,
  scoreCodiEsp,
  type CodingSetting,
  type CodedNote,
  type GoldFate,
  type DiagnosisCoding,
  type CodiEspSplit,
  type PrecisionRecall,
} from '@medcoder/engine';
import { printJson, println } from '../output.js';
import { evalCodiespProcedures } from './eval-procedures.js';

/** Suppressed mentions that CodiEsp's gold codes anyway (it codes mentions, not the guidelines' diagnoses). */
const MENTION_REASONS = new Set(['negated', 'historical', 'uncertain', 'combined', 'integral-symptom', 'excludes1', 'redundant']);

/** CodiEsp's gold codes are of the 2018 edition: by default the notes are coded against the release in force in 2018. */
export const CODIESP_DATE = '2018-06-01';

interface EvalOptions {
  split: string;
  task: string;
  date: string;
  corpus?: string;
  setting: string;
  limit?: string;
  fold?: string;
  minConfidence?: string;
  predictions?: string;
  withSuppressed?: boolean;
  breakdown?: boolean;
  json?: boolean;
}

export function evalCommand(): Command {
  const cmd = new Command('eval').description('evaluate medcoder on a labelled corpus');
  cmd.addCommand(
    new Command('codiesp')
      .description('CodiEsp (CLEF eHealth 2020): official scoring (MAP), micro precision/recall/F1 on codes and 3-character categories')
      .option('--split <split>', 'dev | train', 'dev')
      .option('--task <task>', 'D (diagnoses, ICD-10-CM) | P (procedures, ICD-10-PCS)', 'D')
      .option('--date <YYYY-MM-DD>', 'date of service the notes are coded for (its release is the task code set)', CODIESP_DATE)
      .option('--setting <setting>', 'outpatient | inpatient (CodiEsp was coded under hospital rules)', 'inpatient')
      .option('--corpus <dir>', 'the CodiEsp folder (default: MEDCODER_CODIESP or ../shared/corpora/codiesp)')
      .option('--limit <n>', 'only the first n documents of the split')
      .option('--fold <k/n>', 'only the documents whose position in the split modulo n is k (held-out fold of scripts/mine-lexicon.mjs --fold)')
      .option('--min-confidence <x>', 'leave out suggestions below this confidence')
      .option('--predictions <file>', 'also write the ranked predictions (doc_id<TAB>code)')
      .option('--with-suppressed', 'task D: also rank the mentions the guidelines suppress (negated, history, uncertain, combined, integral, excludes1), each at its confidence, as CodiEsp codes mentions')
      .option('--breakdown', 'task D: also say where the gold codes went (suggested, suppressed and why, a sibling code, not found) and the best MAP a perfect ranking could reach')
      .option('--json', 'JSON output')
      .action(async (opts: EvalOptions) => {
        const corpus = opts.corpus ?? defaultCodiEspDir();
        if (!corpus) throw new MedcoderError('INVALID_ARGUMENT', 'no CodiEsp corpus found: pass --corpus DIR or set MEDCODER_CODIESP');
        if (!['dev', 'train'].includes(opts.split)) throw new MedcoderError('INVALID_ARGUMENT', `--split must be dev or train, not "${opts.split}"`);
        if (opts.task !== 'D' && opts.task !== 'P') throw new MedcoderError('INVALID_ARGUMENT', `--task must be D or P, not "${opts.task}"`);
        if (opts.task === 'P') {
          if (opts.breakdown || opts.withSuppressed) throw new MedcoderError('INVALID_ARGUMENT', `${opts.breakdown ? '--breakdown' : '--with-suppressed'} is for task D (diagnoses) only`);
          // Procedures (issue 5): ICD-10-PCS, scored on codes and 4-character prefixes.
          await evalCodiespProcedures(corpus, opts, CODIESP_DATE);
          return;
        }
        if (!['outpatient', 'inpatient'].includes(opts.setting)) throw new MedcoderError('INVALID_ARGUMENT', `--setting must be outpatient or inpatient, not "${opts.setting}"`);
        const limit = opts.limit !== undefined ? Number(opts.limit) : undefined;
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new MedcoderError('INVALID_ARGUMENT', `--limit must be a positive whole number, not "${opts.limit}"`);
        const minConfidence = opts.minConfidence !== undefined ? Number(opts.minConfidence) : undefined;
        const split = opts.split as CodiEspSplit;
        let docs = codiEspDocuments(corpus, split);
        if (opts.fold) {
          const [k, n] = opts.fold.split('/').map(Number);
          if (!(Number.isInteger(k) && Number.isInteger(n) && n! > 0 && k! >= 0 && k! < n!)) throw new MedcoderError('INVALID_ARGUMENT', `--fold must be k/n with 0 <= k < n, not "${opts.fold}"`);
          docs = docs.filter((_, i) => i % n! === k!);
        }
        if (limit) docs = docs.slice(0, limit);
        const allGold = codiEspGold(corpus, split, 'D');
        const gold = new Map(docs.map((d) => [d.id, allGold.get(d.id) ?? []] as const).filter(([, g]) => g.length > 0));
        const cs = await CodeSets.open();
        const { coder, warnings } = await diagnosisCoder(cs, { date: opts.date });
        const predictions = new Map<string, string[]>();
        const coded = new Map<string, CodedNote>();
        const t0 = performance.now();
        for (const d of docs) {
          const r = coder.code(readFileSync(d.path), { setting: opts.setting as CodingSetting, ...(minConfidence !== undefined ? { minConfidence } : {}) });
          predictions.set(d.id, rankForCodiEsp(r, opts.withSuppressed === true));
          if (opts.breakdown) coded.set(d.id, { codes: r.codes.map((c) => c.code), suppressed: r.suppressed.map((x) => ({ code: x.code, reason: x.suppression?.reason ?? 'other' })) });
        }
        const secs = (performance.now() - t0) / 1000;
        const matcher = new CodeMatcher(coder.release);
        const score = scoreCodiEsp(gold, predictions, matcher);
        const fate = opts.breakdown ? goldFate(gold, coded, matcher) : undefined;
        if (opts.predictions) {
          writeFileSync(opts.predictions, [...predictions].flatMap(([id, codes]) => codes.map((c) => `${id}\t${c}\n`)).join(''));
        }
        const summary = {
          corpus: 'CodiEsp',
          split,
          task: 'D',
          setting: opts.setting,
          release: coder.release.ref,
          documents: score.documents,
          map: round(score.map),
          codes: roundPr(score.codes),
          categories: roundPr(score.categories),
          unmatchableGold: score.unmatchableGold,
          droppedPredictions: score.droppedPredictions,
          seconds: round(secs),
          ...(fate ? { goldFate: { ...fate, ceiling: { suggested: round(fate.ceiling.suggested), candidates: round(fate.ceiling.candidates) } } } : {}),
          warnings,
        };
        if (opts.json) {
          printJson(summary);
          return;
        }
        println(`CodiEsp ${split}, task D (ICD-10-CM): ${score.documents} documents coded against ${coder.release.ref.label}, ${opts.setting} setting`);
        println(`  MAP (official metric)   ${score.map.toFixed(3)}`);
        println(`  codes        ${fmt(score.codes)}`);
        println(`  categories   ${fmt(score.categories)}`);
        println(`  ${score.unmatchableGold} gold codes have no counterpart in ${coder.release.ref.label}; ${score.droppedPredictions} predictions were outside the code set`);
        println(`  ${docs.length} notes in ${secs.toFixed(1)} s (${(docs.length / secs).toFixed(0)} notes/s)`);
        if (fate) printFate(fate);
        for (const w of warnings) println(`warning: ${w}`);
      }),
  );
  return cmd;
}

/**
 * The ranked list scored by MAP: codes by decreasing confidence (the coder's
 * own order puts the principal diagnosis first, which is a sequencing rule,
 * not a likelihood). With `mentions`, the suppressed mentions CodiEsp codes
 * anyway join the list at their own confidence.
 */
export function rankForCodiEsp(r: DiagnosisCoding, mentions: boolean): string[] {
  const list = r.codes.map((c) => ({ code: c.code, confidence: c.confidence }));
  if (mentions) for (const x of r.suppressed) if (MENTION_REASONS.has(x.suppression?.reason ?? '')) list.push({ code: x.code, confidence: x.confidence });
  // A stable sort: ties keep the coder's order, suggestions before suppressed mentions.
  list.sort((a, b) => b.confidence - a.confidence);
  return list.map((x) => x.code);
}

/** Where the gold codes went, largest groups first, and the MAP ceilings of the candidates. */
function printFate(f: GoldFate): void {
  const pct = (n: number) => `${n} (${((100 * n) / (f.gold || 1)).toFixed(1)}%)`;
  const reasons = Object.entries(f.suppressed).sort((a, b) => b[1] - a[1]);
  const suppressed = reasons.reduce((n, [, c]) => n + c, 0);
  println(`  where the ${f.gold} gold codes went:`);
  println(`    suggested                          ${pct(f.suggested)}`);
  println(`    found, suppressed                  ${pct(suppressed)}: ${reasons.map(([r, c]) => `${r} ${c}`).join(', ')}`);
  println(`    another code of the category       ${pct(f.sibling)}`);
  println(`    not found                          ${pct(f.absent)}`);
  println(`  best MAP a perfect ranking reaches: ${f.ceiling.suggested.toFixed(3)} over the suggestions, ${f.ceiling.candidates.toFixed(3)} over every candidate (suppressed too)`);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function roundPr(p: PrecisionRecall): PrecisionRecall {
  return { ...p, precision: round(p.precision), recall: round(p.recall), f1: round(p.f1) };
}

function fmt(p: PrecisionRecall): string {
  return `P ${p.precision.toFixed(3)}  R ${p.recall.toFixed(3)}  F1 ${p.f1.toFixed(3)}   (${p.truePositives} correct of ${p.predicted} predicted, ${p.gold} gold)`;
}
