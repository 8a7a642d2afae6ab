/** CLI: `medcoder ingest DIR` and `medcoder audit-trail verify` (exit 1 when the chain was tampered with). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';

const MAIN = resolve(fileURLToPath(import.meta.url), '../../main.js');

test('ingest a folder twice, verify the audit trail, detect tampering', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medcoder-cli-server-'));
  try {
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'doe.txt'), 'Assessment: Essential hypertension.');
    writeFileSync(join(notes, 'roe.txt'), 'Assessment: Hyperlipidemia.');
    const db = join(dir, 'ws.sqlite');
    const env = { ...process.env, DATABASE_URL: db };
    const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8' });
    let r = cli('ingest', notes, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).created.map((c: { externalId: string }) => c.externalId), ['notes/doe', 'notes/roe']);
    r = cli('ingest', notes);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 encounters created, 2 skipped/);
    r = cli('audit-trail', 'verify');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /intact: 2 entries/);
    const d = new SqliteDatabase(db);
    d.exec('drop trigger audit_trail_no_delete');
    d.prepare('delete from audit_trail where id = 1').run();
    d.close();
    r = cli('audit-trail', 'verify', '--json');
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
