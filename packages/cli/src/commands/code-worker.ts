import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { CodeSets, codeProcedures, diagnosisCoder, isMedcoderError, parseDocument, type CodingSetting, type ProcedureCodingOptions } from '@medcoder/engine';

/**
 * A batch-coding worker thread: loads the release and its dictionary once,
 * then codes the files the main thread sends, one message per file.
 */
interface Job {
  index: number;
  path: string;
}

const data = workerData as { home: string; date?: string; setting: CodingSetting; minConfidence?: number; kind?: string; procedures?: ProcedureCodingOptions };

const cs = await CodeSets.open({ home: data.home });
const { coder } = await diagnosisCoder(cs, data.date ? { date: data.date } : {});
parentPort!.postMessage({ ready: true });
parentPort!.on('message', async (job: Job | null) => {
  if (job === null) {
    process.exit(0);
  }
  try {
    const bytes = readFileSync(job.path);
    // One parse of the note serves diagnoses and procedures.
    const document = parseDocument(bytes);
    const result = coder.code(bytes, { document, setting: data.setting, ...(data.minConfidence !== undefined ? { minConfidence: data.minConfidence } : {}) });
    // Batch --kind procedures|all: procedures and services beside the diagnoses.
    const procedures = data.procedures && data.kind !== 'diagnoses' ? await codeProcedures(cs, document, data.procedures) : undefined;
    parentPort!.postMessage({ index: job.index, result, ...(procedures ? { procedures } : {}) });
  } catch (e) {
    parentPort!.postMessage({ index: job.index, error: isMedcoderError(e) ? e.message : (e as Error).message });
  }
});
