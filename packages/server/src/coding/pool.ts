/**
 * The coding thread pool: the engine's coding (about 4 ms of CPU per note)
 * runs in worker threads, each holding its own loaded releases, so the
 * server's event loop stays free for HTTP, sessions and the database. The
 * synchronous coding route and the background coding jobs both go through it.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { MedcoderError, type ErrorCode } from '@medcoder/engine';
import type { CodingAnswer, CodingFn, CodingRequest } from './engine-bridge.js';
import type { TaskResult, WorkerInput, WorkerTask } from './worker.js';

export interface CodingPoolOptions {
  /** MEDCODER_HOME of the releases the threads open. */
  home: string;
  /** Threads (default: one per core). */
  threads?: number;
  /** A date for the warm-up coding (default today). */
  warmDate?: string;
}

/** Coding threads wanted when `instances` server processes share the machine: the cores divided among them, at least one. */
export function defaultCodingThreads(instances = 1): number {
  return Math.max(1, Math.floor(availableParallelism() / Math.max(1, instances)));
}

export class CodingPool {
  readonly threads: number;
  private readonly piscina: Piscina<WorkerTask, TaskResult>;

  constructor(opts: CodingPoolOptions) {
    this.threads = Math.max(1, opts.threads ?? defaultCodingThreads());
    const workerData: WorkerInput = { home: opts.home, warmDate: opts.warmDate ?? new Date().toISOString().slice(0, 10) };
    this.piscina = new Piscina<WorkerTask, TaskResult>({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      // an idle thread keeps its loaded releases
      idleTimeout: Number.POSITIVE_INFINITY,
      // the worker's coding awaits file reads: let its event loop run between tasks
      atomics: 'disabled',
      workerData,
      // A thread holds its next task (worker.ts runs them one at a time, in arrival order): it starts
      // it as it answers the last, instead of idling until the main thread has taken the answer and
      // sent another, which a busy event loop, or a main thread descheduled on a loaded machine, delays.
      concurrentTasksPerWorker: 2,
    });
  }

  /** Code in a thread (a CodingFn: the code sets argument is the threads' own). */
  readonly code: CodingFn = async (_codeSets, req) => this.run(req);

  async run(req: CodingRequest): Promise<CodingAnswer> {
    return JSON.parse(await this.task(req, 'coding')) as CodingAnswer;
  }

  /** The coding route's answer (api/schemas.ts CodingOut) as JSON, written by the thread. */
  readonly codeTextJson = (req: CodingRequest): Promise<string> => this.task(req, 'coding-out');

  private async task(req: CodingRequest, answer: WorkerTask['answer']): Promise<string> {
    const r = await this.piscina.run({ documents: req.documents.map((d) => ({ text: d.text, ...(d.title !== undefined ? { title: d.title } : {}) })), setting: req.setting, date: req.date, answer });
    if (r.ok) return r.answerJson;
    if (r.error.code) throw new MedcoderError(r.error.code as ErrorCode, r.error.message, r.error.details ?? {});
    throw new Error(r.error.message);
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.piscina.queueSize;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
