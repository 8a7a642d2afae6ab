import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MedcoderError } from '../errors.js';
import type { Progress, ProgressStep } from '../progress.js';
import type { CompileContext, CompiledOutput, ReleaseGroup } from './compiler.js';
import type { ReleaseManifest } from './manifest.js';
import { readReleaseFile } from './store.js';

/**
 * Finishing a compiled release: the post-compile steps (encoder search
 * index, concept dictionary) and writing every data file into the release's
 * pending folder. These steps are most of an import's time and releases do
 * not depend on each other's results, so they run in worker threads while
 * the main thread compiles the next release. A step that needs a data file
 * of another release of the same run (a borrowed Alphabetic Index) asks the
 * main thread for it; files of releases already in the home are read there.
 */

/** What finishing hands back: the output's facts after the post-compile steps, and the files written. */
export interface FinishedOutput {
  files: string[];
  counts: Record<string, number>;
  notes?: string[];
  provenance?: Record<string, string>;
}

export interface Finisher {
  /** Releases finished at once; the importer compiles the next only while fewer are in hand. */
  readonly capacity: number;
  finish(group: ReleaseGroup, output: CompiledOutput, dir: string): Promise<FinishedOutput>;
  close(): Promise<void>;
}

export type PostCompileRunner = (group: ReleaseGroup, output: CompiledOutput, ctx: CompileContext) => Promise<void>;

export interface FinisherOptions {
  home: string;
  progress: Progress;
  existing: ReleaseManifest[];
  /** A data file of a release compiled earlier in this run (undefined when the run has no such file). */
  inRun(id: string, file: string): unknown;
  /** The post-compile steps, run in this thread when no workers are used. */
  runPostCompile: PostCompileRunner;
  /** Worker threads; 0 finishes in this thread. Default: MEDCODER_IMPORT_THREADS, else the cores available, at most 4. */
  threads?: number;
}

/** Threads for finishing releases: MEDCODER_IMPORT_THREADS when set (0 = none), else one per core up to 4. */
export function finisherThreads(): number {
  const env = process.env.MEDCODER_IMPORT_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0) throw new MedcoderError('INVALID_ARGUMENT', `MEDCODER_IMPORT_THREADS must be a whole number, not "${env}"`, { field: 'MEDCODER_IMPORT_THREADS', value: env });
    return n;
  }
  return Math.min(4, availableParallelism());
}

/** Write a release's data files: a Uint8Array as raw bytes, anything else as JSON. */
export async function writeReleaseFiles(dir: string, files: Record<string, unknown>): Promise<string[]> {
  for (const [file, data] of Object.entries(files)) {
    await writeFile(join(dir, file), data instanceof Uint8Array ? data : JSON.stringify(data));
  }
  return Object.keys(files);
}

function facts(output: CompiledOutput, files: string[]): FinishedOutput {
  return {
    files,
    counts: output.counts,
    ...(output.notes ? { notes: output.notes } : {}),
    ...(output.provenance ? { provenance: output.provenance } : {}),
  };
}

export function createFinisher(opts: FinisherOptions): Finisher {
  const threads = opts.threads ?? finisherThreads();
  return threads > 0 ? new WorkerFinisher(opts, threads) : new InlineFinisher(opts);
}

/** Finishing in this thread, one release after another. */
class InlineFinisher implements Finisher {
  readonly capacity = 1;
  private readonly ctx: CompileContext;
  constructor(opts: FinisherOptions) {
    this.ctx = {
      progress: opts.progress,
      shared: new Map(),
      existing: opts.existing,
      readCompiled: async (id, file) => opts.inRun(id, file) ?? readReleaseFile(opts.home, id, file),
    };
    this.run = opts.runPostCompile;
  }
  private readonly run: PostCompileRunner;
  async finish(group: ReleaseGroup, output: CompiledOutput, dir: string): Promise<FinishedOutput> {
    await this.run(group, output, this.ctx);
    return facts(output, await writeReleaseFiles(dir, output.files));
  }
  async close(): Promise<void> {}
}

/** Messages between the main thread and a finishing worker. */
export type ToWorker =
  | { type: 'job'; job: number; group: ReleaseGroup; output: CompiledOutput; dir: string }
  | { type: 'file'; request: number; data: unknown };
export type FromWorker =
  | { type: 'done'; job: number; result: FinishedOutput }
  | { type: 'failed'; job: number; code?: string; message: string; stack?: string }
  | { type: 'file'; request: number; id: string; file: string }
  | { type: 'step'; step: number; label: string; total?: number }
  | { type: 'advance'; step: number; by: number }
  | { type: 'stepDone'; step: number; summary?: string }
  | { type: 'note'; message: string };

export interface WorkerSetup {
  home: string;
  existing: ReleaseManifest[];
}

/** Only the plain facts of a group cross to a worker (source entries hold stream openers). */
function plainGroup(group: ReleaseGroup): ReleaseGroup {
  return {
    key: group.key,
    id: group.id,
    sources: group.sources.map((s) => ({
      entry: { path: s.entry.path, name: s.entry.name, context: s.entry.context, size: s.entry.size, open: undefined as never },
      detection: s.detection,
    })),
  };
}

interface Slot {
  worker: Worker;
  busy: number;
  steps: Map<number, ProgressStep>;
}

/** A pool of worker threads; a release goes to the least busy one. */
class WorkerFinisher implements Finisher {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (r: FinishedOutput) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextJob = 1;
  private failure: Error | undefined;
  private closing = false;

  constructor(private readonly opts: FinisherOptions, private readonly size: number) {}

  get capacity(): number {
    return this.size;
  }

  private slot(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.busy > 0)) this.slots.push(this.start());
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private start(): Slot {
    const setup: WorkerSetup = { home: this.opts.home, existing: this.opts.existing };
    const worker = new Worker(new URL('./finisher-worker.js', import.meta.url), { workerData: setup });
    const slot: Slot = { worker, busy: 0, steps: new Map() };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.fail(slot, e));
    worker.on('exit', (code) => {
      if (code !== 0 && !this.closing) this.fail(slot, new Error(`a release-finishing worker stopped with exit code ${code}`));
    });
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const progress = this.opts.progress;
    switch (m.type) {
      case 'done':
      case 'failed': {
        const p = this.pending.get(m.job);
        if (!p) return;
        this.pending.delete(m.job);
        slot.busy--;
        if (m.type === 'done') p.resolve(m.result);
        else {
          const e = m.code ? new MedcoderError(m.code as never, m.message) : new Error(m.message);
          if (m.stack) e.stack = m.stack;
          p.reject(e);
        }
        return;
      }
      case 'file': {
        let data: unknown;
        try {
          data = this.opts.inRun(m.id, m.file);
        } catch {
          data = undefined;
        }
        slot.worker.postMessage({ type: 'file', request: m.request, data } satisfies ToWorker);
        return;
      }
      case 'step':
        slot.steps.set(m.step, progress.step(m.label, m.total));
        return;
      case 'advance':
        slot.steps.get(m.step)?.advance(m.by);
        return;
      case 'stepDone':
        slot.steps.get(m.step)?.done(m.summary);
        slot.steps.delete(m.step);
        return;
      case 'note':
        progress.note(m.message);
        return;
    }
  }

  private fail(slot: Slot, e: Error): void {
    this.failure ??= e;
    for (const [job, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(job);
      p.reject(e);
    }
    slot.busy = Number.POSITIVE_INFINITY;
  }

  finish(group: ReleaseGroup, output: CompiledOutput, dir: string): Promise<FinishedOutput> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slot();
    const job = this.nextJob++;
    slot.busy++;
    return new Promise<FinishedOutput>((resolve, reject) => {
      this.pending.set(job, { resolve, reject, slot });
      slot.worker.postMessage({ type: 'job', job, group: plainGroup(group), output, dir } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
