/**
 * Background jobs in a database table, shared by every server instance.
 *
 * - claim: one UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) on
 *   PostgreSQL, so instances never take the same job; SQLite has one writer.
 * - lease: a running job whose lock is older than `leaseMs` belonged to a
 *   worker that crashed; it goes back to the queue (or fails after
 *   max_attempts). Nothing is lost.
 * - completion: the handler's writes and the "done" mark happen in one
 *   transaction that first re-checks that this worker still holds the lock,
 *   so a job reclaimed from a slow worker is never completed twice.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import { now } from '../db/connect.js';
import type { Database, Job } from '../db/schema.js';

export type JobHandler = (job: Job, ctx: { complete: (write?: (trx: Transaction<Database>) => Promise<void>) => Promise<boolean> }) => Promise<void>;

export async function enqueue(db: Db | Transaction<Database>, kind: string, payload: unknown, opts: { maxAttempts?: number } = {}, trx?: Transaction<Database>): Promise<number> {
  const q = trx ?? ('kysely' in db ? db.kysely : db);
  const t = now();
  const r = await q
    .insertInto('jobs')
    .values({ kind, payload: JSON.stringify(payload), status: 'queued', attempts: 0, max_attempts: opts.maxAttempts ?? 3, run_after: t, created_at: t })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function claim(db: Db, workerId: string, kinds?: string[]): Promise<Job | undefined> {
  const t = now();
  const lock = db.dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const kindFilter = kinds?.length ? sql`and kind in (${sql.join(kinds)})` : sql``;
  const r = await sql<Job>`
    update jobs set status = 'running', locked_by = ${workerId}, locked_at = ${t}, attempts = attempts + 1
    where id = (select id from jobs where status = 'queued' and run_after <= ${t} ${kindFilter} order by id limit 1 ${lock})
    returning *`.execute(db.kysely);
  const job = r.rows[0];
  return job ? { ...job, id: Number(job.id) } : undefined;
}

/** Mark done (with the handler's writes) only while this worker still holds the job. */
export async function complete(db: Db, job: Job, workerId: string, write?: (trx: Transaction<Database>) => Promise<void>): Promise<boolean> {
  return db.kysely.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('jobs')
      .set({ status: 'done', finished_at: now(), last_error: null })
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    if (write) await write(trx);
    return true;
  });
}

export async function fail(db: Db, job: Job, workerId: string, error: unknown): Promise<void> {
  const message = (error as Error)?.message ?? String(error);
  const final = job.attempts >= job.max_attempts;
  const backoffMs = Math.min(60_000, 1000 * 2 ** (job.attempts - 1));
  await db.kysely
    .updateTable('jobs')
    .set({ status: final ? 'failed' : 'queued', last_error: message.slice(0, 2000), locked_by: null, locked_at: null, run_after: new Date(Date.now() + (final ? 0 : backoffMs)).toISOString(), finished_at: final ? now() : null })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Give jobs of crashed workers back to the queue. Returns how many. */
export async function reclaimExpired(db: Db, leaseMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - leaseMs).toISOString();
  const requeued = await db.kysely
    .updateTable('jobs')
    .set({ status: 'queued', locked_by: null, locked_at: null, last_error: 'lease expired (worker stopped)' })
    .where('status', '=', 'running')
    .where('locked_at', '<', cutoff)
    .whereRef('attempts', '<', 'max_attempts')
    .executeTakeFirst();
  await db.kysely
    .updateTable('jobs')
    .set({ status: 'failed', locked_by: null, finished_at: now(), last_error: 'lease expired on the last attempt' })
    .where('status', '=', 'running')
    .where('locked_at', '<', cutoff)
    .whereRef('attempts', '>=', 'max_attempts')
    .execute();
  return Number(requeued.numUpdatedRows);
}

export interface WorkerPoolOptions {
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  kinds?: string[];
  onError?: (job: Job, e: unknown) => void;
}

/**
 * A pool of workers in this process. Each claims a job, runs its handler and
 * completes it; idle workers poll. `notify()` wakes them when a job is added
 * here; other instances find it on their next poll.
 */
export class WorkerPool {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private loops: Promise<void>[] = [];
  private wake: Array<() => void> = [];
  private reaper?: NodeJS.Timeout;
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly db: Db, private readonly handlers: Record<string, JobHandler>, private readonly opts: WorkerPoolOptions = {}) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const n = this.opts.concurrency ?? 2;
    for (let i = 0; i < n; i++) this.loops.push(this.loop(`${this.id}/${i}`));
    const lease = this.opts.leaseMs ?? 120_000;
    this.reaper = setInterval(() => void reclaimExpired(this.db, lease).then((n) => n && this.notify()).catch(() => undefined), Math.min(lease, 30_000));
    this.reaper.unref();
  }

  notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  /** Resolves when no job is queued or running in this pool's view (tests). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const left = await this.db.kysely.selectFrom('jobs').select((e) => e.fn.countAll<number>().as('n')).where('status', 'in', ['queued', 'running']).executeTakeFirstOrThrow();
      if (Number(left.n) === 0 && this.active === 0) return;
      if (Date.now() > end) throw new Error('jobs did not drain in time');
      this.notify();
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reaper) clearInterval(this.reaper);
    this.notify();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(workerId: string): Promise<void> {
    while (this.running) {
      let job: Job | undefined;
      try {
        job = await claim(this.db, workerId, this.opts.kinds ?? Object.keys(this.handlers));
      } catch {
        job = undefined;
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.opts.pollMs ?? 500);
          this.wake.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
        continue;
      }
      this.active++;
      try {
        const handler = this.handlers[job.kind];
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        let completed = false;
        await handler(job, {
          complete: async (write) => {
            completed = await complete(this.db, job!, workerId, write);
            return completed;
          },
        });
        if (!completed) await complete(this.db, job, workerId);
      } catch (e) {
        this.opts.onError?.(job, e);
        await fail(this.db, job, workerId, e).catch(() => undefined);
      } finally {
        this.active--;
        if (this.active === 0) for (const f of this.idleWaiters.splice(0)) f();
      }
    }
  }
}
