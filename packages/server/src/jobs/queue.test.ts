/**
 * The job queue on SQLite and PostgreSQL: two server instances share it
 * without running a job twice; a crashed worker's job is retried, never lost,
 * and its late completion is refused; failures retry then stop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds, freshDb, type TestDb } from '../testing/harness.js';
import { claim, complete, enqueue, reclaimExpired, WorkerPool, type JobHandler } from './queue.js';
import type { Db } from '../db/connect.js';

for (const kind of databaseKinds()) {
  describe(`job queue on ${kind}`, () => {
    let t: TestDb;
    let second: Db;
    before(async () => {
      t = await freshDb(kind);
      second = await t.connectAgain();
    });
    after(async () => {
      await second?.close();
      await t?.drop();
    });

    test('two instances with two workers each run 80 jobs exactly once', async () => {
      for (let i = 0; i < 80; i++) await enqueue(t.db, 'count', { n: i });
      const runs: Array<{ n: number; by: string }> = [];
      const handler = (by: string): JobHandler => async (job, ctx) => {
        await new Promise((r) => setTimeout(r, 2));
        if (await ctx.complete()) runs.push({ n: (JSON.parse(job.payload) as { n: number }).n, by });
      };
      const a = new WorkerPool(t.db, { count: handler('a') }, { concurrency: 2, pollMs: 10 });
      const b = new WorkerPool(second, { count: handler('b') }, { concurrency: 2, pollMs: 10 });
      a.start();
      b.start();
      await a.drain(60_000);
      await Promise.all([a.stop(), b.stop()]);
      const ns = runs.map((r) => r.n).sort((x, y) => x - y);
      assert.deepEqual(ns, Array.from({ length: 80 }, (_, i) => i), 'every job ran once to completion');
      if (kind === 'postgres') assert.ok(runs.some((r) => r.by === 'a') && runs.some((r) => r.by === 'b'), 'both instances took jobs');
      const left = await t.db.kysely.selectFrom('jobs').select('status').where('kind', '=', 'count').where('status', '!=', 'done').execute();
      assert.equal(left.length, 0);
    });

    test('a crashed worker\'s job is reclaimed and run by another; the late completion is refused', async () => {
      const id = await enqueue(t.db, 'crash', { n: 1 });
      const job = await claim(t.db, 'worker-that-dies', ['crash']);
      assert.equal(job?.id, id);
      // nothing else can take it while the lease holds
      assert.equal(await claim(second, 'other', ['crash']), undefined);
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(await reclaimExpired(t.db, 1), 1);
      let ran = 0;
      const pool = new WorkerPool(second, { crash: async (_j, ctx) => { await ctx.complete(); ran++; } }, { concurrency: 1, pollMs: 10 });
      pool.start();
      await pool.drain(10_000);
      await pool.stop();
      assert.equal(ran, 1);
      assert.equal(await complete(t.db, job!, 'worker-that-dies'), false, 'the dead worker cannot complete it a second time');
      const row = await t.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'done');
      assert.equal(Number(row.attempts), 2);
    });

    test('a failing job is retried with back-off, then marked failed with its error', async () => {
      const id = await enqueue(t.db, 'boom', {}, { maxAttempts: 2 });
      let tries = 0;
      const pool = new WorkerPool(t.db, { boom: async () => { tries++; throw new Error('engine exploded'); } }, { concurrency: 1, pollMs: 10 });
      pool.start();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const row = await t.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        if (row.status === 'failed') {
          assert.equal(row.last_error, 'engine exploded');
          break;
        }
        assert.ok(Date.now() < deadline, 'job did not fail in time');
        await new Promise((r) => setTimeout(r, 50));
      }
      await pool.stop();
      assert.equal(tries, 2);
    });
  });
}
