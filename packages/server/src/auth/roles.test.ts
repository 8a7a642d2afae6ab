/**
 * Every role is refused what it may not do, on every permission, on SQLite
 * and PostgreSQL; and a route without a declared permission cannot even be
 * registered.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds, harness, type Harness } from '../testing/harness.js';
import { PERMISSIONS, type Permission } from './permissions.js';
import { buildApp } from '../app.js';
import { ROLES, type Role } from '../db/schema.js';

const PROBES: Record<Permission, { method: string; url: string; body?: unknown }> = {
  'encounter.read': { method: 'GET', url: '/api/encounters' },
  'encounter.code': { method: 'POST', url: '/api/encounters/999999/finalize', body: { version: 1 } },
  'claim.read': { method: 'GET', url: '/api/encounters/999999/claim/837' },
  'encounter.ingest': { method: 'POST', url: '/api/encounters/999999/recode', body: {} },
  'encounter.reopen': { method: 'POST', url: '/api/encounters/999999/reopen', body: { version: 1, reason: 'x' } },
  'encounter.assign': { method: 'POST', url: '/api/encounters/999999/assign', body: { userId: null } },
  'query.create': { method: 'POST', url: '/api/encounters/999999/queries', body: { question: 'Please clarify the diagnosis.' } },
  'query.answer': { method: 'POST', url: '/api/queries/999999/close', body: {} },
  'audit.sample': { method: 'POST', url: '/api/audits/sample', body: { count: 1 } },
  'audit.read': { method: 'GET', url: '/api/audits' },
  'audit.review': { method: 'POST', url: '/api/audits/999999/review', body: { codes: [{ system: 'icd10cm', code: 'I10' }] } },
  'audit.rebut': { method: 'POST', url: '/api/audits/999999/rebuttal', body: { rebuttal: 'x' } },
  'dashboard.read': { method: 'GET', url: '/api/dashboard' },
  'users.manage': { method: 'POST', url: '/api/users', body: { username: 'newuser', displayName: 'New', role: 'coder', password: 'a long password' } },
  'users.list': { method: 'GET', url: '/api/users' },
  'trail.read': { method: 'GET', url: '/api/audit-trail/verify' },
};

for (const kind of databaseKinds()) {
  describe(`role checks on ${kind}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(kind);
    });
    after(() => h?.close());

    test('every permission has a probe', () => {
      assert.deepEqual(Object.keys(PROBES).sort(), Object.keys(PERMISSIONS).sort());
    });

    for (const role of ROLES) {
      test(`${role}: refused exactly what the permission table denies`, async () => {
        const c = await h.as(role as Role);
        for (const [perm, probe] of Object.entries(PROBES) as Array<[Permission, (typeof PROBES)[Permission]]>) {
          const r = await c.request(probe.method, probe.url, probe.body);
          const may = (PERMISSIONS[perm] as readonly string[]).includes(role);
          if (may) assert.ok(!(r.status === 403 && r.body.code === 'ROLE'), `${role} should be allowed ${perm} (${probe.method} ${probe.url}): ${JSON.stringify(r.body)}`);
          else {
            assert.equal(r.status, 403, `${role} must be refused ${perm} (${probe.method} ${probe.url}), got ${r.status}`);
            assert.equal(r.body.code, 'ROLE');
          }
        }
      });
    }

    test('anonymous requests are refused on every probe', async () => {
      const c = h.anonymous();
      for (const probe of Object.values(PROBES)) {
        const r = await c.request(probe.method, probe.url, probe.body);
        assert.equal(r.status, 401, `${probe.method} ${probe.url}`);
      }
    });
  });
}

test('a route that declares no permission cannot be registered', async () => {
  const h = await harness('sqlite');
  try {
    const app = await buildApp(h.server.ctx);
    assert.throws(() => app.get('/api/oops', async () => ({})), /declares no permission/);
    await app.close();
  } finally {
    await h.close();
  }
});
