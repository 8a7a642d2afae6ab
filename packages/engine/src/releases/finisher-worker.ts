import { parentPort, workerData } from 'node:worker_threads';
import { isMedcoderError } from '../errors.js';
import type { Progress } from '../progress.js';
import '../modules.js';
import type { CompileContext } from './compiler.js';
import { writeReleaseFiles, type FromWorker, type ToWorker, type WorkerSetup } from './finisher.js';
import { runPostCompile } from './import.js';
import { readReleaseFile } from './store.js';

/**
 * A thread that finishes compiled releases (see finisher.ts): runs the
 * post-compile steps the engine's modules register and writes the files.
 * Files of other releases of the run come from the main thread, once each.
 */

const port = parentPort!;
const setup = workerData as WorkerSetup;
const send = (m: FromWorker) => port.postMessage(m);

let nextStep = 1;
const progress: Progress = {
  step(label, total) {
    const step = nextStep++;
    send({ type: 'step', step, label, ...(total !== undefined ? { total } : {}) });
    return {
      advance: (by) => send({ type: 'advance', step, by }),
      done: (summary) => send({ type: 'stepDone', step, ...(summary !== undefined ? { summary } : {}) }),
    };
  },
  note: (message) => send({ type: 'note', message }),
};

let nextRequest = 1;
const requests = new Map<number, (data: unknown) => void>();
/** Files asked of the main thread, kept: releases of a run borrow the same index file. */
const fromRun = new Map<string, Promise<unknown>>();

function askMain(id: string, file: string): Promise<unknown> {
  const key = `${id}/${file}`;
  let p = fromRun.get(key);
  if (!p) {
    p = new Promise((resolve) => {
      const request = nextRequest++;
      requests.set(request, resolve);
      send({ type: 'file', request, id, file });
    });
    fromRun.set(key, p);
  }
  return p;
}

const ctx: CompileContext = {
  progress,
  shared: new Map(),
  existing: setup.existing,
  readCompiled: async (id, file) => (await askMain(id, file)) ?? readReleaseFile(setup.home, id, file),
};

let queue: Promise<void> = Promise.resolve();

port.on('message', (m: ToWorker) => {
  if (m.type === 'file') {
    const resolve = requests.get(m.request);
    requests.delete(m.request);
    resolve?.(m.data);
    return;
  }
  // One release at a time: a second job waits for the first.
  queue = queue.then(async () => {
    try {
      await runPostCompile(m.group, m.output, ctx);
      const files = await writeReleaseFiles(m.dir, m.output.files);
      const { counts, notes, provenance } = m.output;
      send({ type: 'done', job: m.job, result: { files, counts, ...(notes ? { notes } : {}), ...(provenance ? { provenance } : {}) } });
    } catch (e) {
      const err = e as Error;
      send({ type: 'failed', job: m.job, ...(isMedcoderError(e) ? { code: e.code } : {}), message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
    }
  });
});
