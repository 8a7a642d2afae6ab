/**
 * Start a workstation server: open the database (SQLite in MEDCODER_HOME, or
 * PostgreSQL from DATABASE_URL), load the code sets, start the coding worker
 * pool, make sure an administrator exists, listen.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { CodeSets, defaultHome } from '@medcoder/engine';
import { connect, type Db } from './db/connect.js';
import { WorkerPool } from './jobs/queue.js';
import { LoginLimiter } from './auth/rate-limit.js';
import { buildApp } from './app.js';
import type { AppContext, ServerConfig } from './context.js';
import { codingJob } from './coding/job.js';
import { CODING_JOB } from './services/encounters.js';
import { ensureAdmin } from './services/users.js';
import { closeOcr } from './documents/extract.js';
import { codeDocuments, runEdits, warm, type CodingFn, type EditsFn } from './coding/engine-bridge.js';
import { CodingPool, defaultCodingThreads } from './coding/pool.js';

export interface ServerOptions {
  home?: string;
  databaseUrl?: string;
  host?: string;
  port?: number;
  workers?: number;
  config?: Partial<ServerConfig>;
  logger?: FastifyServerOptions['logger'];
  /** Open an existing database instead of connecting. */
  db?: Db;
  codeSets?: CodeSets;
  /** Start the job workers (default true). */
  runWorkers?: boolean;
  pollMs?: number;
  leaseMs?: number;
  loginLimit?: { max: number; windowMs: number };
  /**
   * Threads that run the engine's coding (coding/pool.ts); 0 codes on the
   * main thread. Default: one per core when this server runs its workers and
   * uses the engine's coding, else 0.
   */
  codingThreads?: number;
  /** Replace the engine's coding or edits (tests). */
  coding?: CodingFn;
  edits?: EditsFn;
}

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url?: string;
  close(): Promise<void>;
}

/** Where the built web app is in this repository (packages/web/dist/app). */
export function defaultWebDir(): string {
  return process.env['MEDCODER_WEB_DIR'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist/app');
}

export async function createServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const home = opts.home ?? defaultHome();
  const db = opts.db ?? (await connect({ url: opts.databaseUrl ?? process.env['DATABASE_URL'], home }));
  const codeSets = opts.codeSets ?? (await CodeSets.open({ home }));
  const threads = opts.codingThreads ?? (opts.coding || opts.runWorkers === false ? 0 : defaultCodingThreads());
  const codingPool = threads > 0 ? new CodingPool({ home: codeSets.home, threads }) : undefined;
  const ctx: AppContext = {
    db,
    codeSets,
    limiter: new LoginLimiter(opts.loginLimit?.max ?? 5, opts.loginLimit?.windowMs ?? 15 * 60_000),
    config: { secureCookies: false, sessionHours: 10, webDir: defaultWebDir(), ...opts.config },
    pool: undefined as unknown as WorkerPool,
    coding: opts.coding ?? codingPool?.code ?? codeDocuments,
    ...(!opts.coding && codingPool ? { codeTextJson: codingPool.codeTextJson } : {}),
    edits: opts.edits ?? runEdits,
  };
  ctx.pool = new WorkerPool(db, { [CODING_JOB]: codingJob(ctx) }, { concurrency: opts.workers ?? 2, pollMs: opts.pollMs ?? 500, leaseMs: opts.leaseMs ?? 120_000 });
  const app = await buildApp(ctx, { logger: opts.logger ?? false });
  if (opts.runWorkers !== false) ctx.pool.start();
  // SQLite keeps its planner statistics fresh as the worklist grows (PostgreSQL's autovacuum does this itself)
  const optimize = db.dialect === 'sqlite' ? setInterval(() => void sql`pragma optimize`.execute(db.kysely).catch(() => undefined), 3600_000) : undefined;
  optimize?.unref();
  return {
    app,
    ctx,
    async close() {
      if (optimize) clearInterval(optimize);
      await ctx.pool.stop();
      await app.close();
      await codingPool?.close();
      if (!opts.db) await db.close();
      await closeOcr();
    },
  };
}

export async function startServer(opts: ServerOptions & { onAdmin?: (a: Awaited<ReturnType<typeof ensureAdmin>>) => void } = {}): Promise<RunningServer> {
  const s = await createServer(opts);
  const admin = await ensureAdmin(s.ctx.db);
  opts.onAdmin?.(admin);
  void warm(s.ctx.codeSets, new Date().toISOString().slice(0, 10));
  const address = await s.app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
  return { ...s, url: address };
}

