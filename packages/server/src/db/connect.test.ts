/** SQLite statements are kept by SQL text: answers stay right across repeated queries and schema changes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import { withStatementCache } from './connect.js';

test('a kept statement is prepared once and answers each run with its own parameters', () => {
  const database = new SqliteDatabase(':memory:');
  let prepared = 0;
  const prepare = database.prepare.bind(database);
  database.prepare = ((text: string) => (prepared++, prepare(text))) as typeof database.prepare;
  const cached = withStatementCache(database) as { prepare(text: string): SqliteDatabase.Statement; close(): void };
  cached.prepare('create table t (id integer primary key, name text)').run();
  const insert = 'insert into t (name) values (?)';
  for (const name of ['a', 'b', 'c']) cached.prepare(insert).run([name]);
  const byId = 'select name from t where id = ?';
  assert.deepEqual(cached.prepare(byId).all([2]), [{ name: 'b' }]);
  assert.deepEqual(cached.prepare(byId).all([3]), [{ name: 'c' }]);
  assert.equal(prepared, 3, 'create, insert and select: each SQL text prepared once');
  // a schema change after a statement was kept: SQLite prepares it again by itself
  const all = 'select * from t where id = ?';
  assert.deepEqual(cached.prepare(all).all([1]), [{ id: 1, name: 'a' }]);
  cached.prepare('alter table t add column code text').run();
  assert.deepEqual(cached.prepare(all).all([1]), [{ id: 1, name: 'a', code: null }]);
  cached.close();
  assert.equal(database.open, false);
});

test('Kysely over the kept statements: the same query with other values', async () => {
  const { connect } = await import('./connect.js');
  const db = await connect({ url: ':memory:' });
  try {
    const count = async (status: string) => Number((await db.kysely.selectFrom('encounters').select((eb) => eb.fn.countAll().as('n')).where('status', '=', status as 'ready').executeTakeFirstOrThrow()).n);
    assert.equal(await count('ready'), 0);
    assert.equal((await sql<{ v: number }>`select ${41} + 1 as v`.execute(db.kysely)).rows[0]!.v, 42);
    assert.equal((await sql<{ v: number }>`select ${1} + 1 as v`.execute(db.kysely)).rows[0]!.v, 2);
  } finally {
    await db.close();
  }
});
