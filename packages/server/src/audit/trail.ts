/**
 * The append-only, hash-chained audit trail. Every document read and every
 * change is one row; each row's hash covers its content and the previous
 * row's hash, so changing, removing or reordering a row breaks the chain.
 * The database also refuses UPDATE and DELETE on the table (triggers).
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Db } from '../db/connect.js';
import { now } from '../db/connect.js';

export const GENESIS = '0'.repeat(64);

export interface TrailEntry {
  userId: number | null;
  username: string | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  detail?: Record<string, unknown>;
}

interface HashedFields {
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  detail: string;
  prev_hash: string;
}

export function rowHash(r: HashedFields): string {
  const canonical = JSON.stringify([r.prev_hash, r.at, r.user_id, r.username, r.action, r.entity, r.entity_id, r.detail]);
  return createHash('sha256').update(canonical).digest('hex');
}

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Append entries inside a transaction (the caller's, or a new one). On
 * PostgreSQL a transaction-scoped advisory lock serialises appends, so two
 * server instances never fork the chain; SQLite has one writer anyway.
 */
export async function appendTrail(db: Db, entries: TrailEntry | TrailEntry[], trx?: Transaction<Database>): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  const run = async (q: Q) => {
    if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(4242001)`.execute(q);
    const last = await q.selectFrom('audit_trail').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    let prev = last?.hash ?? GENESIS;
    const at = now();
    const rows = list.map((e) => {
      const f: HashedFields = {
        at,
        user_id: e.userId,
        username: e.username,
        action: e.action,
        entity: e.entity,
        entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
        detail: JSON.stringify(e.detail ?? {}),
        prev_hash: prev,
      };
      const hash = rowHash(f);
      prev = hash;
      return { ...f, hash };
    });
    await q.insertInto('audit_trail').values(rows).execute();
  };
  if (trx) await run(trx);
  else await db.kysely.transaction().execute(run);
}

export interface TrailVerification {
  ok: boolean;
  rows: number;
  /** The first row whose hash or link does not match. */
  brokenAt?: { id: number; reason: string };
}

/** Walk the whole chain in id order and recompute every hash. */
export async function verifyTrail(db: Db): Promise<TrailVerification> {
  let prev = GENESIS;
  let rows = 0;
  let lastId = 0;
  for (;;) {
    const batch = await db.kysely.selectFrom('audit_trail').selectAll().where('id', '>', lastId).orderBy('id').limit(5000).execute();
    if (batch.length === 0) break;
    for (const r of batch) {
      rows++;
      if (r.prev_hash !== prev) return { ok: false, rows, brokenAt: { id: r.id, reason: `row ${r.id} does not link to the row before it (a row was removed, inserted or reordered)` } };
      const h = rowHash({ ...r, user_id: r.user_id === null ? null : Number(r.user_id) });
      if (h !== r.hash) return { ok: false, rows, brokenAt: { id: r.id, reason: `row ${r.id} was changed after it was written (hash mismatch)` } };
      prev = r.hash;
      lastId = r.id;
    }
  }
  return { ok: true, rows };
}
