/**
 * The coding thread pool answers exactly what the engine answers on the main
 * thread, keeps engine errors typed, and serves the coding route and the
 * coding jobs of a server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMedcoderError } from '@medcoder/engine';
import { CodingPool, defaultCodingThreads } from './pool.js';
import { codeDocuments } from './engine-bridge.js';
import { codingOut } from './coding-out.js';
import { CodingOut } from '../api/schemas.js';
import { encounterBody, harness, testCodeSets, type Harness } from '../testing/harness.js';

const NOTE = 'ASSESSMENT AND PLAN:\n1. Pneumonia of the right lower lobe.\n2. Type 2 diabetes mellitus with hyperglycemia.\n3. Essential hypertension. No chest pain.\n';

let pool: CodingPool;
before(async () => {
  pool = new CodingPool({ home: (await testCodeSets()).home, threads: 2, warmDate: '2026-03-02' });
});
after(() => pool?.close());

test('the pool codes as the main thread does, in parallel', async () => {
  const req = { documents: [{ text: NOTE, title: 'Progress note' }], setting: 'inpatient' as const, date: '2026-03-02' };
  const inline = await codeDocuments(await testCodeSets(), req);
  const answers = await Promise.all([pool.run(req), pool.run(req), pool.run(req)]);
  for (const a of answers) assert.deepEqual(a, inline);
  assert.ok(inline.codes.some((c) => c.code === 'I10'), JSON.stringify(inline.codes.map((c) => c.code)));
});

test("the coding route's answer written by a thread is the main thread's, exactly the response schema", async () => {
  const req = { documents: [{ text: NOTE }], setting: 'outpatient' as const, date: '2026-03-02' };
  const json = await pool.codeTextJson(req);
  assert.equal(json, JSON.stringify(codingOut(await codeDocuments(await testCodeSets(), req))));
  const parsed = JSON.parse(json);
  assert.ok(parsed.codes.some((c: { code: string }) => c.code === 'I10'));
  assert.deepEqual(CodingOut.strict().parse(parsed), parsed);
  for (const c of parsed.codes) {
    assert.deepEqual(Object.keys(c).sort(), ['code', 'confidence', 'evidence', 'kind', 'rationale', 'sequence', 'suppressReason', 'system', 'title']);
    for (const e of c.evidence) assert.deepEqual(Object.keys(e).sort(), ['end', 'start', 'text']);
  }
});

test('engine errors come back typed from the thread', async () => {
  await assert.rejects(pool.run({ documents: [{ text: NOTE }], setting: 'outpatient', date: '1900-01-01' }), (e: unknown) => isMedcoderError(e) && e.code === 'NO_RELEASE_FOR_DATE');
  await assert.rejects(pool.codeTextJson({ documents: [{ text: NOTE }], setting: 'outpatient', date: '1900-01-01' }), (e: unknown) => isMedcoderError(e) && e.code === 'NO_RELEASE_FOR_DATE');
});

test('threads default to the cores divided among the instances', () => {
  assert.ok(defaultCodingThreads(1) >= 1);
  assert.equal(defaultCodingThreads(1000), 1);
});

test('a server with coding threads codes the synchronous route and the jobs in them', async () => {
  let h: Harness | undefined;
  try {
    // no coding override: the engine's coding runs in the server's pool
    h = await harness('sqlite', { coding: undefined, codingThreads: 1 });
    const c = await h.as('coder');
    const r = await c.post('/api/code-text', { text: NOTE, setting: 'inpatient', date: '2026-03-02' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.engine, /^engine:codeDiagnoses/);
    assert.deepEqual(CodingOut.strict().parse(r.body), r.body);
    const m = await h.as('manager');
    const created = await m.post('/api/encounters', encounterBody('POOL-1', { documents: [{ title: 'Note', text: NOTE }] }));
    assert.equal(created.status, 201);
    await h.server.ctx.pool.drain(120_000);
    const d = (await c.get(`/api/encounters/${created.body.id}`)).body;
    assert.match(d.encounter.codingEngine, /^engine:codeDiagnoses/);
    assert.ok(d.suggestions.some((s: { code: string }) => s.code === 'I10'));
  } finally {
    await h?.close();
  }
});
