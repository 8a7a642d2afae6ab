/**
 * The trigger-kept encounter counts equal a live count of encounters after
 * inserts, single and bulk updates of status, setting and assignment, and
 * deletes; compaction keeps them and leaves one row per group, also when two
 * server instances compact at once (SQLite and PostgreSQL).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds, freshDb, type TestDb } from '../testing/harness.js';
import { createUser } from './users.js';
import { COMPACT_AFTER_ROWS, compactCounts, statusCounts, type CountFilter } from './encounter-counts.js';
import { ENCOUNTER_STATUSES, SETTINGS } from '../db/schema.js';
import type { Db } from '../db/connect.js';

async function liveCounts(db: Db, f: CountFilter): Promise<Record<string, number>> {
  let q = db.kysely.selectFrom('encounters').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  if (f.setting) q = q.where('setting', '=', f.setting);
  if (f.unassigned) q = q.where('assigned_to', 'is', null);
  const out: Record<string, number> = {};
  for (const r of await q.execute()) out[r.status] = Number(r.n);
  return out;
}

const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const FILTERS: CountFilter[] = [{}, { unassigned: true }, ...SETTINGS.flatMap((setting) => [{ setting }, { setting, unassigned: true }])];

async function assertCountsMatch(db: Db, when: string) {
  for (const f of FILTERS) assert.deepEqual(sorted(await statusCounts(db, f)), sorted(await liveCounts(db, f)), `${when}: ${JSON.stringify(f)}`);
}

/** status, setting and "unassigned" groups that have encounters */
async function groups(db: Db): Promise<number> {
  const rows = await db.kysely.selectFrom('encounters').select(['status', 'setting', 'assigned_to']).execute();
  return new Set(rows.map((r) => `${r.status}|${r.setting}|${r.assigned_to === null}`)).size;
}

const deltaRows = async (db: Db) => Number((await db.kysely.selectFrom('encounter_counts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

for (const kind of databaseKinds()) {
  describe(`encounter counts (${kind})`, () => {
    let t: TestDb;
    let coder: number;
    before(async () => {
      t = await freshDb(kind);
      coder = (await createUser(t.db, null, { username: 'casey', displayName: 'Casey', role: 'coder', password: 'correct horse battery' })).id;
    });
    after(() => t.drop());

    test('kept through inserts, updates and deletes, and through compaction', async () => {
      const k = t.db.kysely;
      const now = new Date().toISOString();
      const patients = await k.insertInto('patients').values(Array.from({ length: 300 }, (_, i) => ({ mrn: `C${i}`, name: `Count Patient ${i}`, birth_date: null, sex: null }))).returning('id').execute();
      // one bulk insert (a statement-level trigger on PostgreSQL sees all rows at once)
      const ids = (await k.insertInto('encounters').values(patients.map((p, i) => ({
        external_id: `CNT-${i}`, patient_id: Number(p.id), setting: SETTINGS[i % SETTINGS.length]!, service_from: '2026-01-05', service_to: '2026-01-05', provider: null, payer: null,
        status: ENCOUNTER_STATUSES[i % ENCOUNTER_STATUSES.length]!, assigned_to: i % 3 === 0 ? coder : null, version: 1, coded_at: null, coding_engine: null, coding_error: null,
        finalized_by: null, finalized_at: null, created_at: now, updated_at: now,
      }))).returning('id').execute()).map((r) => Number(r.id));
      await assertCountsMatch(t.db, 'after the bulk insert');

      // one encounter at a time, as the review routes change them
      await k.updateTable('encounters').set({ status: 'finalized' }).where('id', '=', ids[1]!).execute();
      await k.updateTable('encounters').set({ assigned_to: coder }).where('id', '=', ids[2]!).execute();
      await k.updateTable('encounters').set({ assigned_to: null, setting: 'emergency' }).where('id', '=', ids[3]!).execute();
      // an update that changes none of the counted columns adds nothing
      const before = await deltaRows(t.db);
      await k.updateTable('encounters').set({ version: 2, updated_at: now }).where('id', 'in', ids.slice(0, 50)).execute();
      assert.equal(await deltaRows(t.db), before);
      await assertCountsMatch(t.db, 'after single updates');

      // a bulk update moving encounters between groups both ways, and a bulk delete
      await k.updateTable('encounters').set({ status: 'ready' }).where('status', '=', 'pending').execute();
      await k.updateTable('encounters').set({ status: 'pending', assigned_to: null }).where('id', 'in', ids.slice(100, 160)).execute();
      await k.deleteFrom('encounters').where('id', 'in', ids.slice(200, 260)).execute();
      await assertCountsMatch(t.db, 'after bulk updates and deletes');

      await compactCounts(t.db);
      assert.equal(await deltaRows(t.db), await groups(t.db), 'compaction leaves one row per status, setting and assignment');
      await assertCountsMatch(t.db, 'after compaction');
    });

    test('a read over many delta rows compacts them; two instances compacting at once count nothing twice', async () => {
      const k = t.db.kysely;
      const some = await k.selectFrom('encounters').select('id').orderBy('id').limit(COMPACT_AFTER_ROWS).execute();
      for (const [i, r] of some.entries()) await k.updateTable('encounters').set({ status: i % 2 ? 'in_progress' : 'query' }).where('id', '=', Number(r.id)).execute();
      assert.ok((await deltaRows(t.db)) > COMPACT_AFTER_ROWS);
      const other = await t.connectAgain();
      try {
        const expected = sorted(await liveCounts(t.db, {}));
        const results = await Promise.allSettled([compactCounts(t.db), compactCounts(other)]);
        // SQLite may refuse the second writer (it retries on a later read); PostgreSQL runs both
        assert.ok(results.some((r) => r.status === 'fulfilled'));
        assert.deepEqual(sorted(await statusCounts(t.db, {})), expected);
        assert.deepEqual(sorted(await statusCounts(other, {})), expected);
        // a read that sums many rows starts a compaction by itself
        for (const [i, r] of some.entries()) await k.updateTable('encounters').set({ status: i % 2 ? 'query' : 'in_progress' }).where('id', '=', Number(r.id)).execute();
        assert.ok((await deltaRows(t.db)) > COMPACT_AFTER_ROWS);
        await statusCounts(t.db, {});
        const want = await groups(t.db);
        for (let i = 0; i < 100 && (await deltaRows(t.db)) !== want; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(await deltaRows(t.db), want);
        await assertCountsMatch(t.db, 'after concurrent compactions');
      } finally {
        await other.close();
      }
    });
  });
}
