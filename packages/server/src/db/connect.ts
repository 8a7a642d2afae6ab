/**
 * One query layer (Kysely) over SQLite (embedded default, a file in
 * MEDCODER_HOME) and PostgreSQL (when a postgres:// URL is given).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDialectConfig } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrate } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, without credentials (for logs). */
  where: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… for PostgreSQL; a file path (or ':memory:') for SQLite. */
  url?: string;
  /** MEDCODER_HOME, where the default SQLite file lives. */
  home?: string;
  /** Run the migrations (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export async function connect(opts: ConnectOptions = {}): Promise<Db> {
  let db: Db;
  if (isPostgresUrl(opts.url)) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // An idle client whose connection the server ends (restart, failover, a dropped
    // database) is discarded by the pool; without a listener the error would crash the process.
    pool.on('error', (e) => process.emitWarning(`PostgreSQL connection closed: ${e.message}`, { code: 'MEDCODER_PG_IDLE' }));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    db = { kysely, dialect: 'postgres', where: opts.url.replace(/\/\/[^@/]*@/, '//'), close: () => kysely.destroy() };
  } else {
    const file = opts.url ?? join(opts.home ?? '.', 'medcoder.sqlite');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    db = { kysely, dialect: 'sqlite', where: file, close: () => kysely.destroy() };
  }
  if (opts.migrate !== false) await migrate(db);
  // let SQLite refresh its planner statistics where they are missing or stale
  if (db.dialect === 'sqlite') await sql`pragma optimize=0x10002`.execute(db.kysely);
  return db;
}

/** Prepared statements kept per SQL text (most recently used first out last). */
const STATEMENT_CACHE_MAX = 500;

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL costs
 * more than running the small queries of a request (session, worklist page).
 * This keeps the prepared statements by SQL text. A statement is never used
 * twice at once: the driver runs one query at a time on its connection, and
 * SQLite re-prepares a statement by itself after a schema change.
 */
export function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = database.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_MAX) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}

/** Current time as an ISO string (all timestamps are stored as text). */
export function now(): string {
  return new Date().toISOString();
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}
