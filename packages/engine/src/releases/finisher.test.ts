import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importReleases } from './import.js';
import { finisherThreads } from './finisher.js';
import { releasesDir } from './store.js';
import { sharedCodesets } from '../testing/home.js';
import { MedcoderError } from '../errors.js';
import '../modules.js';

async function filesOf(home: string, id: string): Promise<Map<string, string>> {
  const dir = join(releasesDir(home), id);
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    const text = await readFile(join(dir, name), 'latin1');
    out.set(name, name === 'manifest.json' ? JSON.stringify({ ...JSON.parse(text), compiledAt: undefined }) : text);
  }
  return out;
}

test('finishing in worker threads writes the same release as finishing in this thread', async () => {
  const from = [join(sharedCodesets(), 'hcpcs')];
  const inline = await mkdtemp(join(tmpdir(), 'medcoder-inline-'));
  const threaded = await mkdtemp(join(tmpdir(), 'medcoder-threads-'));
  const a = await importReleases({ from, home: inline, threads: 0 });
  const b = await importReleases({ from, home: threaded, threads: 2 });
  assert.deepEqual(a.releases.map((r) => r.id), ['hcpcs-2019']);
  assert.deepEqual(b.releases, a.releases);
  const fa = await filesOf(inline, 'hcpcs-2019');
  const fb = await filesOf(threaded, 'hcpcs-2019');
  // The encoder's search index is among the files: it is written by the post-compile step in the worker.
  assert.ok(fa.has('search.bin'));
  assert.deepEqual([...fb.keys()], [...fa.keys()]);
  for (const [name, text] of fa) assert.ok(fb.get(name) === text, `${name} differs`);
});

test('MEDCODER_IMPORT_THREADS: a whole number, 0 for none; anything else is refused', () => {
  const before = process.env.MEDCODER_IMPORT_THREADS;
  try {
    process.env.MEDCODER_IMPORT_THREADS = '0';
    assert.equal(finisherThreads(), 0);
    process.env.MEDCODER_IMPORT_THREADS = '3';
    assert.equal(finisherThreads(), 3);
    process.env.MEDCODER_IMPORT_THREADS = 'many';
    assert.throws(() => finisherThreads(), (e: unknown) => e instanceof MedcoderError && e.code === 'INVALID_ARGUMENT');
    delete process.env.MEDCODER_IMPORT_THREADS;
    assert.ok(finisherThreads() >= 1);
  } finally {
    if (before === undefined) delete process.env.MEDCODER_IMPORT_THREADS;
    else process.env.MEDCODER_IMPORT_THREADS = before;
  }
});
