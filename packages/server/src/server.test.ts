/**
 * API tests of the workstation server, run on SQLite and on PostgreSQL
 * (MEDCODER_TEST_PG_URL): auth, CSRF, rate limiting, ingest and coding jobs,
 * worklist, review with optimistic concurrency, edits, provider queries,
 * audits, dashboard, the audit trail and the OpenAPI document.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { z } from 'zod';
import * as S from './api/schemas.js';
import { databaseKinds, encounterBody, harness, type Harness } from './testing/harness.js';
import { verifyTrail } from './audit/trail.js';

for (const kind of databaseKinds()) {
  describe(`server on ${kind}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(kind);
    });
    after(async () => {
      await h?.close();
    });

    const ingest = async (id: string, over: Record<string, unknown> = {}) => {
      const m = await h.as('manager');
      const r = await m.post('/api/encounters', encounterBody(id, over));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await h.server.ctx.pool.drain();
      return r.body.id as number;
    };

    test('login sets an httpOnly SameSite=Strict cookie and returns a CSRF token; wrong passwords are problem+json', async () => {
      const c = h.anonymous();
      const bad = await c.post('/api/auth/login', { username: 'casey', password: 'nope' });
      assert.equal(bad.status, 401);
      assert.match(String(bad.headers['content-type']), /application\/problem\+json/);
      assert.equal(bad.body.field, 'body.password');
      const r = await c.post('/api/auth/login', { username: 'casey', password: 'correct horse battery' });
      assert.equal(r.status, 200);
      const cookie = String(r.headers['set-cookie']);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.ok(r.body.csrfToken.length > 20);
      assert.equal(r.body.user.role, 'coder');
      const hash = await h.server.ctx.db.kysely.selectFrom('users').select('password_hash').where('username', '=', 'casey').executeTakeFirstOrThrow();
      assert.match(hash.password_hash, /^\$argon2id\$/);
    });

    test('validation errors name the field at fault', async () => {
      const m = await h.as('manager');
      const r = await m.post('/api/encounters', { ...encounterBody('BAD-1'), serviceFrom: '03/02/2026' });
      assert.equal(r.status, 400);
      assert.equal(r.body.field, 'body.serviceFrom');
      assert.match(r.body.detail, /YYYY-MM-DD/);
      const r2 = await m.post('/api/encounters', { ...encounterBody('BAD-2'), setting: 'spa' });
      assert.equal(r2.body.field, 'body.setting');
    });

    test('changes without the CSRF token are refused; unauthenticated requests get 401', async () => {
      const c = await h.as('manager');
      const r = await c.request('POST', '/api/encounters', encounterBody('CSRF-1'), { csrf: false });
      assert.equal(r.status, 403);
      assert.equal(r.body.code, 'CSRF');
      const wrong = await c.request('POST', '/api/encounters', encounterBody('CSRF-2'), { csrf: 'forged' });
      assert.equal(wrong.status, 403);
      const anon = await h.anonymous().get('/api/encounters');
      assert.equal(anon.status, 401);
    });

    test('login is rate limited after repeated failures', async () => {
      const c = h.anonymous();
      for (let i = 0; i < 5; i++) assert.equal((await c.post('/api/auth/login', { username: 'alex', password: `wrong${i}` })).status, 401);
      const r = await c.post('/api/auth/login', { username: 'alex', password: 'correct horse battery' });
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers['retry-after']) > 0);
      h.server.ctx.limiter.succeed('127.0.0.1', 'alex');
    });

    test('ingest queues coding; the job stores suggestions with evidence; reading the encounter is logged', async () => {
      const id = await ingest('ENC-1');
      const c = await h.as('coder');
      const r = await c.get(`/api/encounters/${id}`);
      assert.equal(r.status, 200);
      const d = r.body;
      assert.equal(d.encounter.status, 'ready');
      assert.ok(d.encounter.codingEngine);
      const codes = d.suggestions.filter((s: any) => s.status === 'suggested').map((s: any) => s.code);
      assert.ok(codes.includes('E11.22'), codes.join(','));
      assert.ok(codes.includes('I10'));
      const e11 = d.suggestions.find((s: any) => s.code === 'E11.22');
      const ev = e11.evidence[0];
      assert.equal(ev.documentId, d.documents[0].id);
      assert.equal(d.documents[0].text.slice(ev.start, ev.end), ev.text);
      const chest = d.suggestions.find((s: any) => s.code === 'R07.9');
      assert.equal(chest?.status, 'suppressed');
      assert.match(chest.suppressReason, /negated/);
      const reads = await h.server.ctx.db.kysely.selectFrom('audit_trail').selectAll().where('action', '=', 'document.read').where('entity_id', '=', String(d.documents[0].id)).execute();
      assert.ok(reads.length >= 1);
    });

    test('worklist filters by status, setting, coder and date, with counts and keyset pages', async () => {
      await ingest('ENC-W1', { setting: 'inpatient', serviceFrom: '2026-01-10' });
      await ingest('ENC-W2', { setting: 'inpatient', serviceFrom: '2026-01-11' });
      await ingest('ENC-W3', { setting: 'emergency', serviceFrom: '2026-01-12' });
      const c = await h.as('coder');
      const all = await c.get('/api/encounters?limit=2');
      assert.equal(all.status, 200);
      assert.equal(all.body.items.length, 2);
      assert.ok(all.body.next);
      const page2 = await c.get(`/api/encounters?limit=2&after=${all.body.next}`);
      assert.ok(page2.body.items.every((x: any) => !all.body.items.some((y: any) => y.id === x.id)));
      const inp = await c.get('/api/encounters?setting=inpatient');
      assert.deepEqual(inp.body.items.map((x: any) => x.externalId), ['ENC-W2', 'ENC-W1']);
      assert.equal(inp.body.counts.ready, 2);
      const dated = await c.get('/api/encounters?from=2026-01-11&to=2026-01-12');
      assert.deepEqual(dated.body.items.map((x: any) => x.externalId).sort(), ['ENC-W2', 'ENC-W3']);
      const ready = await c.get('/api/encounters?status=ready');
      assert.equal(ready.body.total, ready.body.counts.ready);
      const q = await c.get('/api/encounters?q=ENC-W3');
      assert.equal(q.body.items[0].externalId, 'ENC-W3');
      const bad = await c.get('/api/encounters?status=nope');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'querystring.status');
    });

    test('worklist for a coder: assigned to or finalized by them, newest first, in keyset pages without repeats', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push(await ingest(`ENC-K${i}`, { serviceFrom: `2025-12-0${i + 1}` }));
      const k = h.testDb.db.kysely;
      const coder = await k.selectFrom('users').select('id').where('username', '=', 'casey').executeTakeFirstOrThrow();
      const cid = Number(coder.id);
      // K0, K2 assigned; K1, K4 finalized by the coder (K4 also assigned: listed once); K3 someone else's
      await k.updateTable('encounters').set({ assigned_to: cid }).where('id', 'in', [ids[0]!, ids[2]!, ids[4]!]).execute();
      await k.updateTable('encounters').set({ finalized_by: cid, status: 'finalized' }).where('id', 'in', [ids[1]!, ids[4]!]).execute();
      const c = await h.as('coder');
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const r: { status: number; body: any } = await c.get(`/api/encounters?coder=me&limit=2&from=2025-12-01&to=2025-12-31${after ? `&after=${after}` : ''}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        seen.push(...r.body.items.map((x: any) => x.externalId));
        after = r.body.next;
      } while (after);
      assert.deepEqual(seen, ['ENC-K4', 'ENC-K2', 'ENC-K1', 'ENC-K0']);
      const fin = await c.get(`/api/encounters?coder=${cid}&status=finalized&from=2025-12-01&to=2025-12-31`);
      assert.deepEqual(fin.body.items.map((x: any) => x.externalId), ['ENC-K4', 'ENC-K1']);
      assert.equal(fin.body.total, 2);
    });

    test('review: accept, reject with reason, add, re-sequence, stale versions refused, finalize, reopen by a manager', async () => {
      const id = await ingest('ENC-R1');
      const c = await h.as('coder');
      let d = (await c.get(`/api/encounters/${id}`)).body;
      let version = d.encounter.version;
      const byCode = (code: string) => d.suggestions.find((s: any) => s.code === code);
      let r = await c.post(`/api/encounters/${id}/suggestions/${byCode('E11.22').id}/accept`, { version });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const stale = version;
      version = r.body.version;
      // a second coder working from the old version is refused, not silently overwritten
      const other = await c.post(`/api/encounters/${id}/suggestions/${byCode('I10').id}/accept`, { version: stale });
      assert.equal(other.status, 409);
      assert.equal(other.body.currentVersion, version);
      r = await c.post(`/api/encounters/${id}/suggestions/${byCode('I10').id}/accept`, { version });
      version = r.body.version;
      const noReason = await c.post(`/api/encounters/${id}/suggestions/${byCode('E78.5').id}/reject`, { version, reason: '' });
      assert.equal(noReason.status, 400);
      assert.equal(noReason.body.field, 'body.reason');
      r = await c.post(`/api/encounters/${id}/suggestions/${byCode('E78.5').id}/reject`, { version, reason: 'resolved; not treated' });
      version = r.body.version;
      const unknown = await c.post(`/api/encounters/${id}/codes`, { version, system: 'icd10cm', code: 'Q99.99' });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.field, 'body.code');
      r = await c.post(`/api/encounters/${id}/codes`, { version, system: 'icd10cm', code: 'Z79.84' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      version = r.body.version;
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.deepEqual(d.finalCodes.map((x: any) => x.code), ['E11.22', 'I10', 'Z79.84']);
      assert.equal(byCode('E78.5').status, 'rejected');
      assert.equal(byCode('E78.5').rejectReason, 'resolved; not treated');
      const order = [d.finalCodes[1].id, d.finalCodes[0].id, d.finalCodes[2].id];
      r = await c.post(`/api/encounters/${id}/sequence`, { version, order });
      version = r.body.version;
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.deepEqual(d.finalCodes.map((x: any) => x.code), ['I10', 'E11.22', 'Z79.84']);
      r = await c.post(`/api/encounters/${id}/finalize`, { version });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      version = r.body.version;
      const again = await c.post(`/api/encounters/${id}/codes`, { version, system: 'icd10cm', code: 'E78.5' });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'FINALIZED');
      const coderReopen = await c.post(`/api/encounters/${id}/reopen`, { version, reason: 'x' });
      assert.equal(coderReopen.status, 403);
      const m = await h.as('manager');
      r = await m.post(`/api/encounters/${id}/reopen`, { version, reason: 'payer asked for review' });
      assert.equal(r.status, 200);
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.equal(d.encounter.status, 'in_progress');
      r = await c.post(`/api/encounters/${id}/finalize`, { version: d.encounter.version });
      assert.equal(r.status, 200);
    });

    test('two coders finalizing at once: exactly one wins', async () => {
      const id = await ingest('ENC-RACE');
      const c = await h.as('coder');
      const m = await h.as('manager');
      let d = (await c.get(`/api/encounters/${id}`)).body;
      const s = d.suggestions.find((x: any) => x.code === 'I10');
      const r = await c.post(`/api/encounters/${id}/suggestions/${s.id}/accept`, { version: d.encounter.version });
      const results = await Promise.all([c.post(`/api/encounters/${id}/finalize`, { version: r.body.version }), m.post(`/api/encounters/${id}/finalize`, { version: r.body.version })]);
      assert.deepEqual(results.map((x) => x.status).sort(), [200, 409]);
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.equal(d.encounter.status, 'finalized');
    });

    test('edits: an invalid code is found with fixes; applying a fix resolves it; finalize refuses open errors', async () => {
      const id = await ingest('ENC-E1', { setting: 'inpatient' });
      const c = await h.as('coder');
      let d = (await c.get(`/api/encounters/${id}`)).body;
      let r = await c.post(`/api/encounters/${id}/codes`, { version: d.encounter.version, system: 'icd10cm', code: 'E11.2', poa: 'Y' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const refused = await c.post(`/api/encounters/${id}/finalize`, { version: r.body.version });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, 'OPEN_EDITS');
      r = await c.post(`/api/encounters/${id}/edits`, { version: r.body.version });
      d = (await c.get(`/api/encounters/${id}`)).body;
      const finding = d.edits.find((f: any) => f.codes.includes('E11.2') && f.severity === 'error');
      assert.ok(finding, JSON.stringify(d.edits));
      const fix = finding.fixes.findIndex((x: any) => x.replacement === 'E11.22');
      assert.ok(fix >= 0, JSON.stringify(finding.fixes));
      r = await c.post(`/api/encounters/${id}/edits/${finding.id}/fix`, { version: d.encounter.version, fix });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.deepEqual(d.finalCodes.map((x: any) => x.code), ['E11.22']);
      assert.equal(d.edits.filter((f: any) => f.status === 'open' && f.severity === 'error').length, 0);
      r = await c.post(`/api/encounters/${id}/finalize`, { version: d.encounter.version });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });

    test('provider queries: open blocks finalizing; the answer is added and coding runs again', async () => {
      const id = await ingest('ENC-Q1');
      const c = await h.as('coder');
      let d = (await c.get(`/api/encounters/${id}`)).body;
      let r = await c.post(`/api/encounters/${id}/queries`, { code: 'E11.22', question: 'Please document the stage of the chronic kidney disease.' });
      assert.equal(r.status, 201);
      const qid = r.body.id;
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.equal(d.encounter.status, 'query');
      const s = d.suggestions.find((x: any) => x.code === 'I10');
      r = await c.post(`/api/encounters/${id}/suggestions/${s.id}/accept`, { version: d.encounter.version });
      const blocked = await c.post(`/api/encounters/${id}/finalize`, { version: r.body.version });
      assert.equal(blocked.status, 422);
      assert.equal(blocked.body.code, 'OPEN_QUERIES');
      r = await c.post(`/api/queries/${qid}/answer`, { answer: 'Chronic kidney disease, stage 3a (moderate).' });
      assert.equal(r.status, 200);
      await h.server.ctx.pool.drain();
      d = (await c.get(`/api/encounters/${id}`)).body;
      assert.equal(d.queries[0].status, 'answered');
      assert.equal(d.documents.length, 2);
      assert.ok(d.suggestions.some((x: any) => x.code === 'I10' && x.status === 'accepted'), 'decisions survive re-coding');
      assert.notEqual(d.encounter.status, 'query');
      r = await c.post(`/api/queries/${qid}/close`);
      assert.equal(r.status, 200);
      const list = await c.get('/api/queries?status=closed');
      assert.ok(list.body.some((x: any) => x.id === qid));
    });

    test('audits: sample per coder, blind re-code, accuracy with principal changes, rebuttal', async () => {
      const c = await h.as('coder');
      const ids: number[] = [];
      for (const n of [1, 2]) {
        const id = await ingest(`ENC-A${n}`);
        const d = (await c.get(`/api/encounters/${id}`)).body;
        let version = d.encounter.version;
        for (const code of ['E11.22', 'I10']) {
          const s = d.suggestions.find((x: any) => x.code === code);
          version = (await c.post(`/api/encounters/${id}/suggestions/${s.id}/accept`, { version })).body.version;
        }
        assert.equal((await c.post(`/api/encounters/${id}/finalize`, { version })).status, 200);
        ids.push(id);
      }
      const coderSample = await c.post('/api/audits/sample', { count: 1 });
      assert.equal(coderSample.status, 403);
      const a = await h.as('auditor');
      const bad = await a.post('/api/audits/sample', { percent: 10, count: 2 });
      assert.equal(bad.status, 400);
      const sampled = await a.post('/api/audits/sample', { count: 50, seed: 7 });
      assert.equal(sampled.status, 200);
      assert.ok(sampled.body.created >= 2);
      const list = (await a.get('/api/audits?status=assigned')).body;
      const audit = list.find((x: any) => x.encounterId === ids[0]);
      assert.equal(audit.coderCodes, null, 'blind: the auditor does not see the coder codes');
      const blindView = (await a.get(`/api/encounters/${ids[0]}`)).body;
      assert.equal(blindView.finalCodes.length, 0);
      assert.ok(blindView.documents.length > 0);
      // auditor: principal is I12.9 (hypertensive CKD), keeps E11.22, drops I10
      const r = await a.post(`/api/audits/${audit.id}/review`, { codes: [{ system: 'icd10cm', code: 'I12.9' }, { system: 'icd10cm', code: 'E11.22' }, { system: 'icd10cm', code: 'N18.9' }], comments: 'Hypertension with CKD is presumed linked (I12.-).' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.truePositives, 1);
      assert.equal(r.body.falsePositives, 1);
      assert.equal(r.body.falseNegatives, 2);
      assert.equal(r.body.precision, 0.5);
      assert.ok(Math.abs(r.body.recall - 1 / 3) < 1e-9);
      assert.equal(r.body.principalChanged, true);
      assert.deepEqual(r.body.coderCodes.map((x: any) => x.code), ['E11.22', 'I10']);
      const reb = await c.post(`/api/audits/${audit.id}/rebuttal`, { rebuttal: 'The provider documented the CKD as due to diabetes only.' });
      assert.equal(reb.status, 200);
      assert.equal(reb.body.status, 'rebutted');
      const acc = (await a.get('/api/audits/accuracy')).body.coders;
      const mine = acc.find((x: any) => x.coder.includes('casey'));
      assert.equal(mine.audits, 1);
      assert.equal(mine.principalChanges, 1);
      const m = await h.as('manager');
      const dash = await m.get('/api/dashboard');
      assert.equal(dash.status, 200);
      assert.ok(dash.body.codedPerDay.length >= 1);
      assert.ok(dash.body.acceptance.accepted >= 4);
      assert.ok(dash.body.accuracy.length >= 1);
    });

    test('code look-up, validation and search answer from the engine', async () => {
      const c = await h.as('coder');
      const s = await c.get('/api/codes/search?q=diabetes%20chronic%20kidney&date=2026-03-01');
      assert.equal(s.status, 200);
      assert.ok(s.body.hits.some((x: any) => x.code === 'E11.22'));
      // these two routes write their JSON themselves: it is exactly their response schema, nothing more
      assert.deepEqual(S.SearchOut.strict().parse(s.body), s.body);
      assert.match(String(s.headers['content-type']), /^application\/json/);
      const again = await c.get('/api/codes/search?q=diabetes%20chronic%20kidney&date=2026-03-01');
      assert.deepEqual(again.body, s.body);
      const l = await c.get('/api/codes/E11.22?date=2026-03-01');
      assert.equal(l.status, 200);
      assert.equal(l.body.detail.code, 'E11.22');
      const v = await c.get('/api/codes/E11.2/validate?date=2026-03-01');
      assert.equal(v.body.valid, false);
      const u = await c.get('/api/codes/E11.22?system=nope');
      assert.equal(u.status, 400);
      assert.equal(u.body.code, 'UNKNOWN_SYSTEM');
      const t = await c.post('/api/code-text', { text: 'Assessment: essential hypertension.', date: '2026-03-01' });
      assert.equal(t.status, 200);
      assert.ok(t.body.codes.some((x: any) => x.code === 'I10'));
      assert.deepEqual(S.CodingOut.extend({ codes: z.array(S.CodingOut.shape.codes.element.strict()) }).strict().parse(t.body), t.body);
    });

    test('the audit trail is append-only and hash-chained; tampering is detected', async () => {
      const db = h.server.ctx.db;
      assert.deepEqual((await verifyTrail(db)).ok, true);
      const adm = await h.as('admin');
      const v = await adm.get('/api/audit-trail/verify');
      assert.equal(v.body.ok, true);
      await assert.rejects(sql`update audit_trail set detail = '{}' where id = 1`.execute(db.kysely), /append-only/);
      await assert.rejects(sql`delete from audit_trail where id = 1`.execute(db.kysely), /append-only/);
      // someone with database rights drops the guard and edits a row
      if (db.dialect === 'postgres') await sql`alter table audit_trail disable trigger audit_trail_no_update`.execute(db.kysely);
      else await sql`drop trigger audit_trail_no_update`.execute(db.kysely);
      const row = await db.kysely.selectFrom('audit_trail').select('id').where('action', '=', 'document.read').orderBy('id').executeTakeFirstOrThrow();
      await sql`update audit_trail set username = 'nobody' where id = ${row.id}`.execute(db.kysely);
      const broken = await verifyTrail(db);
      assert.equal(broken.ok, false);
      assert.equal(broken.brokenAt?.id, Number(row.id));
    });

    test('OpenAPI document at /docs/json lists the API', async () => {
      const r = await h.anonymous().get('/docs/json');
      assert.equal(r.status, 200);
      assert.ok(r.body.paths['/api/encounters']);
      assert.ok(r.body.paths['/api/encounters/{id}/finalize']);
      assert.ok(r.body.paths['/api/audits/sample']);
    });
  });
}
