import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, harness, type Harness } from './testing/harness.js';
import { ingestDirectory } from './ingest.js';
import { seedDemo, DEMO_USERS } from './demo.js';
import { textPdf } from './testing/pdf.js';
import { verifyTrail } from './audit/trail.js';

for (const kind of databaseKinds()) {
  describe(`ingest on ${kind}`, () => {
    let h: Harness;
    let dir: string;
    before(async () => {
      h = await harness(kind);
      dir = mkdtempSync(join(tmpdir(), 'medcoder-ingest-'));
    });
    after(async () => {
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a folder without a manifest: one encounter per file or sub-folder; twice is safe', async () => {
      const notes = join(dir, 'clinic');
      mkdirSync(join(notes, 'smith-john'), { recursive: true });
      writeFileSync(join(notes, 'doe-jane.txt'), 'Assessment: Essential hypertension.');
      writeFileSync(join(notes, 'smith-john', 'note.txt'), 'Hyperlipidemia.');
      writeFileSync(join(notes, 'smith-john', 'labs.pdf'), textPdf(['LDL 190 mg/dL']));
      writeFileSync(join(notes, 'README.docx'), 'ignored');
      const r = await ingestDirectory(h.server.ctx, notes);
      assert.deepEqual(r.created.map((c) => [c.externalId, c.documents]), [['clinic/doe-jane', 1], ['clinic/smith-john', 2]]);
      const again = await ingestDirectory(h.server.ctx, notes);
      assert.equal(again.created.length, 0);
      assert.equal(again.skipped.length, 2);
      const docs = await h.server.ctx.db.kysely.selectFrom('documents').select(['title', 'text_source', 'text']).where('encounter_id', '=', r.created[1]!.id).orderBy('title').execute();
      assert.deepEqual(docs.map((d) => d.text_source), ['pdf-text', 'text']);
      assert.match(docs[0]!.text, /LDL 190/);
    });

    test('a manifest names the encounters; errors name the entry and field', async () => {
      const m = join(dir, 'batch');
      mkdirSync(m);
      writeFileSync(join(m, 'a.txt'), 'Pneumonia.');
      writeFileSync(join(m, 'manifest.json'), JSON.stringify({ encounters: [{ externalId: 'B-1', patient: { mrn: 'M1', name: 'Ann Lee' }, setting: 'inpatient', serviceFrom: '2026-02-01', serviceTo: '2026-02-03', documents: [{ file: 'a.txt', title: 'H&P' }] }] }));
      const r = await ingestDirectory(h.server.ctx, m);
      assert.equal(r.created[0]?.externalId, 'B-1');
      const e = await h.server.ctx.db.kysely.selectFrom('encounters').selectAll().where('external_id', '=', 'B-1').executeTakeFirstOrThrow();
      assert.equal(e.setting, 'inpatient');
      assert.equal(e.service_to, '2026-02-03');
      writeFileSync(join(m, 'manifest.json'), JSON.stringify({ encounters: [{ patient: { mrn: 'M2', name: 'X' }, setting: 'spa', serviceFrom: '2026-02-01', documents: ['a.txt'] }] }));
      await assert.rejects(ingestDirectory(h.server.ctx, m), /encounters\.0\.setting/);
    });

    test('the demo: users for each role and the team\'s encounters, coded in the background', async () => {
      const fresh = await harness(kind);
      try {
        const r = await seedDemo(fresh.server.ctx, { password: 'demo password 1' });
        assert.equal(r.seeded, true);
        assert.equal(r.encounters, 5);
        const users = await fresh.server.ctx.db.kysely.selectFrom('users').select('username').execute();
        for (const u of DEMO_USERS) assert.ok(users.some((x) => x.username === u.username));
        await fresh.server.ctx.pool.drain(60_000);
        const st = await fresh.server.ctx.db.kysely.selectFrom('encounters').select('status').execute();
        assert.ok(st.every((s) => s.status === 'ready'), JSON.stringify(st));
        assert.equal((await seedDemo(fresh.server.ctx)).seeded, false, 'only into an empty database');
        assert.equal((await verifyTrail(fresh.server.ctx.db)).ok, true);
      } finally {
        await fresh.close();
      }
    });
  });
}
