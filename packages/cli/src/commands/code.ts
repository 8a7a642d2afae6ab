import { Command } from 'commander';
import { createWriteStream, readdirSync, readFileSync, statSync, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isMedcoderError, CodeSets, codeDiagnoses, codeProcedures, defaultHome, MedcoderError, parseDocument, type CodingSetting, type DiagnosisCoding, type ProcedureCoding, type ProcedureCodingOptions } from '@medcoder/engine';
import { EXIT_INVALID, printJson } from '../output.js';
import { setExit } from '../program.js';
import { printCoding } from './code-format.js';
import { procedureOptions } from './procedures.js';
import { printProcedureCoding, procedureRows } from './procedures-output.js';

interface CodeCommandOptions {
  setting: string;
  date?: string;
  json?: boolean;
  batch?: string;
  out?: string;
  format: string;
  kind: string;
  jobs?: string;
  minConfidence?: string;
  payer?: string;
  patient?: string;
  age?: string;
}

const SETTINGS = ['outpatient', 'inpatient', 'professional'];

/** Diagnoses follow outpatient rules on professional claims. */
const diagnosisSetting = (s: string): CodingSetting => (s === 'professional' ? 'outpatient' : (s as CodingSetting));

export function codeCommand(): Command {
  return new Command('code')
    .description('code a clinical note: ICD-10-CM diagnoses with evidence, rationale, confidence and suppressed mentions')
    .argument('[file]', 'the note (a text file, or - for standard input)')
    .option('--setting <setting>', 'outpatient | inpatient | professional (diagnosis rules; procedures: ICD-10-PCS for inpatient, CPT/HCPCS otherwise)', 'outpatient')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .option('--batch <dir>', 'code every .txt file of a folder, on all cores')
    .option('--out <file>', 'batch: write the results here (default: standard output)')
    .option('--format <format>', 'batch: tsv (doc_id<TAB>code, CodiEsp format) | jsonl', 'tsv')
    .option('--kind <kind>', 'batch: diagnoses | procedures | all', 'diagnoses')
    .option('--jobs <n>', 'batch: worker threads (default: all cores)')
    .option('--min-confidence <x>', 'leave out suggestions below this confidence (0-1, default 0.3)')
    .option('--payer <payer>', 'services: commercial | medicare (administration G-codes, X modifiers)', 'commercial')
    .option('--patient <status>', 'services: new | established (E/M category)', 'established')
    .option('--age <years>', "services: the patient's age when the note does not state it (preventive visits)")
    .action(async (file: string | undefined, opts: CodeCommandOptions, cmd: Command) => {
      if (!SETTINGS.includes(opts.setting)) throw new MedcoderError('INVALID_ARGUMENT', `--setting must be outpatient, inpatient or professional, not "${opts.setting}"`);
      const minConfidence = opts.minConfidence !== undefined ? Number(opts.minConfidence) : undefined;
      if (minConfidence !== undefined && !(minConfidence >= 0 && minConfidence <= 1)) throw new MedcoderError('INVALID_ARGUMENT', `--min-confidence must be a number from 0 to 1, not "${opts.minConfidence}"`);
      if (opts.batch) {
        if (file) throw new MedcoderError('INVALID_ARGUMENT', 'give either a file or --batch DIR, not both');
        const failed = await runBatch(opts, minConfidence);
        if (failed) setExit(cmd, EXIT_INVALID);
        return;
      }
      if (!file) throw new MedcoderError('INVALID_ARGUMENT', 'no note given: medcoder code FILE (or - for standard input, or --batch DIR)');
      let bytes: Buffer;
      try {
        bytes = file === '-' ? readFileSync(0) : readFileSync(file);
      } catch (e) {
        throw new MedcoderError('INVALID_ARGUMENT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      const cs = await CodeSets.open();
      // One parse of the note serves diagnoses and procedures.
      const document = parseDocument(bytes);
      const result = await codeDiagnoses(bytes, {
        codeSets: cs,
        document,
        setting: diagnosisSetting(opts.setting),
        ...(opts.date ? { date: opts.date } : {}),
        ...(minConfidence !== undefined ? { minConfidence } : {}),
      });
      // Procedures and services: a separate list beside the diagnoses.
      // A home without the procedure code sets still codes diagnoses; the answer says why procedures are missing.
      let procedures: Awaited<ReturnType<typeof codeProcedures>> | undefined;
      try {
        procedures = await codeProcedures(cs, document, procedureOptions(opts, opts.date ?? new Date().toISOString().slice(0, 10)));
      } catch (e) {
        if (!(isMedcoderError(e) && (e.code === 'NO_RELEASE_FOR_DATE' || e.code === 'RELEASE_NOT_FOUND'))) throw e;
        result.warnings.push(`procedures not coded: ${e.message.split('\n')[0]}`);
      }
      if (opts.json) printJson({ ...result, ...(procedures ? { procedures } : {}) });
      else {
        printCoding(result, document.text);
        if (procedures) printProcedureCoding(procedures);
      }
    });
}

export interface BatchResult {
  id: string;
  result?: DiagnosisCoding;
  procedures?: ProcedureCoding;
  error?: string;
}

/**
 * Code many files on worker threads. Results come back in file order
 * through `onResult`; progress goes to stderr.
 */
export async function codeFiles(
  paths: string[],
  opts: { home: string; date?: string; setting: CodingSetting; minConfidence?: number; jobs?: number; progress?: boolean; kind?: string; procedures?: ProcedureCodingOptions },
  onResult: (r: BatchResult, index: number) => void,
): Promise<void> {
  const jobs = Math.max(1, Math.min(opts.jobs ?? availableParallelism(), paths.length || 1));
  const started = Date.now();
  const pending = new Map<number, BatchResult>();
  let nextToSend = 0;
  let nextToEmit = 0;
  let done = 0;
  let lastReport = 0;
  const report = (final = false) => {
    if (!opts.progress) return;
    const now = Date.now();
    if (!final && now - lastReport < 500) return;
    lastReport = now;
    const secs = (now - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    process.stderr.write(`\r  coded ${done}/${paths.length} notes (${rate.toFixed(0)} notes/s, ${jobs} thread${jobs === 1 ? '' : 's'})${final ? '\n' : ''}`);
  };
  const workerUrl = new URL('./code-worker.js', import.meta.url);
  await new Promise<void>((resolveAll, reject) => {
    let alive = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      reject(e);
    };
    for (let w = 0; w < jobs; w++) {
      const worker = new Worker(workerUrl, { workerData: { home: opts.home, date: opts.date, setting: opts.setting, minConfidence: opts.minConfidence, kind: opts.kind ?? 'diagnoses', procedures: opts.procedures } });
      alive++;
      const sendNext = () => {
        if (nextToSend < paths.length) {
          const index = nextToSend++;
          worker.postMessage({ index, path: paths[index] });
        } else worker.postMessage(null);
      };
      worker.on('message', (msg: { ready?: boolean; index?: number; result?: DiagnosisCoding; procedures?: ProcedureCoding; error?: string }) => {
        if (msg.ready) {
          sendNext();
          return;
        }
        const index = msg.index!;
        pending.set(index, { id: basename(paths[index]!).replace(/\.txt$/i, ''), ...(msg.result ? { result: msg.result } : {}), ...(msg.procedures ? { procedures: msg.procedures } : {}), ...(msg.error ? { error: msg.error } : {}) });
        done++;
        while (pending.has(nextToEmit)) {
          onResult(pending.get(nextToEmit)!, nextToEmit);
          pending.delete(nextToEmit);
          nextToEmit++;
        }
        report();
        sendNext();
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', () => {
        alive--;
        if (alive === 0 && !failed) {
          report(true);
          if (nextToEmit < paths.length) fail(new Error(`${paths.length - nextToEmit} notes were not coded`));
          else resolveAll();
        }
      });
    }
  });
}

async function runBatch(opts: CodeCommandOptions, minConfidence: number | undefined): Promise<boolean> {
  const dir = resolve(opts.batch!);
  if (!['tsv', 'jsonl'].includes(opts.format)) throw new MedcoderError('INVALID_ARGUMENT', `--format must be tsv or jsonl, not "${opts.format}"`);
  if (!['diagnoses', 'procedures', 'all'].includes(opts.kind)) throw new MedcoderError('INVALID_ARGUMENT', `--kind must be diagnoses, procedures or all, not "${opts.kind}"`);
  const procOpts = opts.kind !== 'diagnoses' ? procedureOptions(opts, opts.date ?? new Date().toISOString().slice(0, 10)) : undefined;
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.txt')).sort();
  } catch (e) {
    throw new MedcoderError('INVALID_ARGUMENT', `cannot read the folder ${opts.batch}: ${(e as Error).message}`);
  }
  const jobs = opts.jobs !== undefined ? Number(opts.jobs) : undefined;
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) throw new MedcoderError('INVALID_ARGUMENT', `--jobs must be a positive whole number, not "${opts.jobs}"`);
  // Check the release and its dictionary before starting threads, so a setup problem is one clear error.
  const cs = await CodeSets.open();
  await codeDiagnoses('', { codeSets: cs, ...(opts.date ? { date: opts.date } : {}) });
  const out: WriteStream | NodeJS.WriteStream = opts.out ? createWriteStream(opts.out) : process.stdout;
  let failed = 0;
  await codeFiles(
    names.map((n) => join(dir, n)),
    { home: defaultHome(), setting: diagnosisSetting(opts.setting), progress: true, kind: opts.kind, ...(procOpts ? { procedures: procOpts } : {}), ...(opts.date ? { date: opts.date } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}), ...(jobs ? { jobs } : {}) },
    (r) => {
      if (r.error || !r.result) {
        failed++;
        process.stderr.write(`\nmedcoder: ${r.id}: ${r.error}\n`);
        return;
      }
      const diagnoses = opts.kind !== 'procedures';
      if (opts.format === 'jsonl') out.write(`${JSON.stringify({ doc_id: r.id, ...(diagnoses ? r.result : {}), ...(r.procedures ? { procedures: r.procedures } : {}) })}\n`);
      else {
        if (diagnoses) for (const c of r.result.codes) out.write(`${r.id}\t${c.code}\n`);
        // Procedures: ICD-10-PCS codes (or their longest valid prefix), or CPT/HCPCS codes with modifiers and units.
        if (r.procedures) for (const row of procedureRows(r.id, r.procedures)) out.write(`${r.id}\t${row.code}${row.modifiers ? `-${String(row.modifiers).replace(/,/g, '-')}` : ''}${Number(row.units) > 1 ? `\t${row.units}` : ''}\n`);
      }
    },
  );
  if (opts.out) await new Promise<void>((res) => (out as WriteStream).end(res));
  if (failed) process.stderr.write(`medcoder: ${failed} of ${names.length} notes could not be coded\n`);
  return failed > 0;
}
