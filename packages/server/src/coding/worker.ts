/**
 * One coding thread of the pool (see pool.ts): opens the code sets of the
 * server's home once, codes a small note so the releases and the concept
 * dictionary are loaded before the first request, then codes documents on
 * demand. Answers are plain data; engine errors travel as their stable code.
 */
import { workerData } from 'node:worker_threads';
import { CodeSets, isMedcoderError } from '@medcoder/engine';
import { codeDocuments, type CodingAnswer, type CodingRequest } from './engine-bridge.js';
import { codingOut } from './coding-out.js';

/** A task: the request, and which answer to write (the bridge's answer, or the coding route's CodingOut). */
export interface WorkerTask extends CodingRequest {
  answer: 'coding' | 'coding-out';
}

export interface WorkerInput {
  home: string;
  warmDate: string;
}

/**
 * The answer travels as its JSON: a string crosses to the main thread as one
 * copy, where the structured clone of the answer's many small objects cost
 * more than the JSON on both sides.
 */
export type TaskResult = { ok: true; answerJson: string } | { ok: false; error: { message: string; code?: string; details?: Record<string, unknown> } };

const input = workerData as WorkerInput;

async function setUp(): Promise<(task: WorkerTask) => Promise<TaskResult>> {
  const codeSets = await CodeSets.open({ home: input.home });
  const run = async ({ answer: kind, ...req }: WorkerTask): Promise<TaskResult> => {
    try {
      const answer: CodingAnswer = await codeDocuments(codeSets, req);
      return { ok: true, answerJson: JSON.stringify(kind === 'coding-out' ? codingOut(answer) : answer) };
    } catch (e) {
      if (isMedcoderError(e)) return { ok: false, error: { message: e.message, code: e.code, details: e.details } };
      return { ok: false, error: { message: (e as Error)?.message ?? String(e) } };
    }
  };
  // load the releases, the concept dictionary and the procedure tables now, not on a coder's request
  await run({ documents: [{ text: 'Assessment: essential hypertension. Plan: office visit.' }], setting: 'outpatient', date: input.warmDate, answer: 'coding' });
  await run({ documents: [{ text: 'Assessment: pneumonia.' }], setting: 'inpatient', date: input.warmDate, answer: 'coding-out' });
  // The pool hands a thread its next task while it codes one (pool.ts); tasks still run one after the
  // other, in arrival order: interleaved at the coding's awaits, each would finish later than alone.
  let previous: Promise<unknown> = Promise.resolve();
  return (task) => {
    const next = previous.then(() => run(task));
    previous = next.catch(() => undefined);
    return next;
  };
}

export default setUp();
