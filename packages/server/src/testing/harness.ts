/**
 * Test harness: a fresh database per test suite, on SQLite and (when
 * MEDCODER_TEST_PG_URL is set) PostgreSQL, a server around it driven with
 * fastify.inject, and logged-in clients per role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CodeSets } from '@medcoder/engine';
import { connect, type Db } from '../db/connect.js';
import { createServer, type RunningServer, type ServerOptions } from '../server.js';
import { createUser } from '../services/users.js';
import type { Role } from '../db/schema.js';
import { fallbackCoding, validationEdits } from '../coding/engine-bridge.js';

export type DbKind = 'sqlite' | 'postgres';

/**
 * The databases to run on. PostgreSQL is required in CI (CI=true): a missing
 * MEDCODER_TEST_PG_URL fails the run instead of skipping it silently.
 */
export function databaseKinds(): DbKind[] {
  const url = process.env['MEDCODER_TEST_PG_URL'];
  if (!url && process.env['CI']) throw new Error('MEDCODER_TEST_PG_URL is not set: the PostgreSQL variant of the server tests must run in CI (.ci/run starts PostgreSQL)');
  return url ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDb {
  db: Db;
  drop(): Promise<void>;
  /** a second connection to the same database (another "server instance") */
  connectAgain(): Promise<Db>;
}

export async function freshDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'medcoder-test-'));
    const file = join(dir, 'test.sqlite');
    const db = await connect({ url: file });
    return { db, connectAgain: () => connect({ url: file }), drop: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const admin = process.env['MEDCODER_TEST_PG_URL']!;
  const name = `medcoder_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await connect({ url, poolSize: 5 });
  return {
    db,
    connectAgain: () => connect({ url, poolSize: 5 }),
    drop: async () => {
      await db.close();
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`drop database if exists ${name} with (force)`);
      await c2.end();
    },
  };
}

let codeSets: Promise<CodeSets> | undefined;
export function testCodeSets(): Promise<CodeSets> {
  const home = process.env['MEDCODER_TEST_HOME'] ?? process.env['MEDCODER_HOME'];
  codeSets ??= CodeSets.open(home ? { home } : {});
  return codeSets;
}

export const PASSWORD = 'correct horse battery';
export const ROLE_USERS: Record<Role, string> = { coder: 'casey', auditor: 'alex', manager: 'morgan', admin: 'ada' };

export interface Response {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

export class Client {
  cookie?: string;
  csrf?: string;
  constructor(readonly server: RunningServer) {}

  async request(method: string, url: string, body?: unknown, opts: { csrf?: string | false; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookie) headers['cookie'] = this.cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    const r = await this.server.app.inject({ method: method as 'GET', url, headers, ...(body !== undefined ? { payload: body as object } : {}) });
    const setCookie = r.headers['set-cookie'];
    if (setCookie) {
      const first = Array.isArray(setCookie) ? setCookie[0]! : setCookie;
      this.cookie = first.split(';')[0];
    }
    let parsed: unknown = r.body;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      // not JSON
    }
    return { status: r.statusCode, headers: r.headers as Record<string, unknown>, body: parsed };
  }
  get(url: string) { return this.request('GET', url); }
  post(url: string, body: unknown = {}) { return this.request('POST', url, body); }
  patch(url: string, body: unknown) { return this.request('PATCH', url, body); }
  delete(url: string) { return this.request('DELETE', url); }

  async login(username: string, password = PASSWORD): Promise<Response> {
    const r = await this.post('/api/auth/login', { username, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }
}

export interface Harness {
  kind: DbKind;
  server: RunningServer;
  testDb: TestDb;
  as(role: Role): Promise<Client>;
  anonymous(): Client;
  close(): Promise<void>;
}

export async function harness(kind: DbKind, opts: Partial<ServerOptions> = {}): Promise<Harness> {
  const testDb = await freshDb(kind);
  // the server's own behaviour is tested with the deterministic built-in coder and edits;
  // the engine integration has its own test (engine-bridge.test.ts)
  const server = await createServer({ db: testDb.db, codeSets: await testCodeSets(), pollMs: 50, workers: 2, coding: fallbackCoding, edits: validationEdits, ...opts });
  for (const [role, username] of Object.entries(ROLE_USERS) as Array<[Role, string]>) {
    await createUser(testDb.db, null, { username, displayName: `${role[0]!.toUpperCase()}${role.slice(1)} ${username}`, role, password: PASSWORD });
  }
  const clients = new Map<Role, Client>();
  return {
    kind,
    server,
    testDb,
    async as(role) {
      let c = clients.get(role);
      if (!c) {
        c = new Client(server);
        const r = await c.login(ROLE_USERS[role]);
        if (r.status !== 200) throw new Error(`login as ${role} failed: ${JSON.stringify(r.body)}`);
        clients.set(role, c);
      }
      return c;
    },
    anonymous: () => new Client(server),
    async close() {
      await server.close();
      await testDb.drop();
    },
  };
}

export const NOTE = `ASSESSMENT AND PLAN:
1. Type 2 diabetes mellitus with diabetic chronic kidney disease. Continue metformin.
2. Essential hypertension, controlled.
3. Hyperlipidemia. Continue atorvastatin.
The patient denies chest pain.
`;

export function encounterBody(externalId: string, over: Record<string, unknown> = {}) {
  return {
    externalId,
    patient: { mrn: `MRN-${externalId}`, name: `Patient ${externalId}`, birthDate: '1960-01-01', sex: 'F' },
    setting: 'outpatient',
    serviceFrom: '2026-03-02',
    provider: 'Dr. Test',
    payer: 'Medicare',
    documents: [{ title: 'Office note', text: NOTE }],
    ...over,
  };
}
