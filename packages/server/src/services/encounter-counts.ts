/**
 * Encounters per status from the encounter_counts table, which triggers on
 * encounters keep (migration 0006): every insert, delete, or change of status,
 * setting or assignment appends signed delta rows, so concurrent writers never
 * wait on one another. A read sums the rows of its groups; when it had to sum
 * many, it folds them (compaction) into one row per status, setting and
 * "unassigned", so counting stays a few dozen rows however many encounters there are.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Setting } from '../db/schema.js';

/** A read that summed more delta rows than this starts a compaction. */
export const COMPACT_AFTER_ROWS = 200;

export interface CountFilter {
  setting?: Setting;
  /** only encounters assigned to nobody */
  unassigned?: boolean;
}

/** Encounters per status (statuses with none are left out). */
export async function statusCounts(db: Db, f: CountFilter = {}): Promise<Record<string, number>> {
  let q = db.kysely
    .selectFrom('encounter_counts')
    .select(['status', (eb) => eb.fn.sum<number>('n').as('n'), (eb) => eb.fn.countAll<number>().as('rows')])
    .groupBy('status');
  if (f.setting) q = q.where('setting', '=', f.setting);
  if (f.unassigned) q = q.where('unassigned', '=', 1);
  const counts: Record<string, number> = {};
  let rows = 0;
  for (const r of await q.execute()) {
    rows += Number(r.rows);
    const n = Number(r.n);
    if (n !== 0) counts[r.status] = n;
  }
  // another process may be compacting at the same moment (SQLite then refuses one of the two); a later read tries again
  if (rows > COMPACT_AFTER_ROWS) compactCounts(db).catch(() => undefined);
  return counts;
}

const compactions = new WeakMap<Db, Promise<void>>();

/** Fold the delta rows into one row per group (one compaction per database handle at a time). */
export function compactCounts(db: Db): Promise<void> {
  const running = compactions.get(db);
  if (running) return running;
  const p = compact(db).finally(() => compactions.delete(db));
  compactions.set(db, p);
  return p;
}

async function compact(db: Db): Promise<void> {
  if (db.dialect === 'postgres') {
    // one statement: rows a concurrent compaction deleted first are not returned here, so nothing is counted twice
    await sql`with gone as (delete from encounter_counts returning status, setting, unassigned, n)
      insert into encounter_counts (status, setting, unassigned, n)
      select status, setting, unassigned, sum(n) from gone group by status, setting, unassigned having sum(n) <> 0`.execute(db.kysely);
    return;
  }
  // SQLite has one writer at a time; a write that committed after this transaction's first read makes it fail instead
  await db.kysely.transaction().execute(async (trx) => {
    const top = await trx.selectFrom('encounter_counts').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    if (top?.id == null) return;
    const last = Number(top.id);
    await sql`insert into encounter_counts (status, setting, unassigned, n)
      select status, setting, unassigned, sum(n) from encounter_counts where id <= ${last}
      group by status, setting, unassigned having sum(n) <> 0`.execute(trx);
    await trx.deleteFrom('encounter_counts').where('id', '<=', last).execute();
  });
}
