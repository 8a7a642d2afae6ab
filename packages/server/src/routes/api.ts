/** Every /api route: its schema, its permission, its handler. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as S from '../api/schemas.js';
import type { AppContext } from '../context.js';
import { appendTrail, verifyTrail } from '../audit/trail.js';
import { verifyPassword } from '../auth/passwords.js';
import { createSession, currentUser, destroySession, SESSION_COOKIE } from '../auth/session.js';
import { HttpProblem, notFound } from '../errors.js';
import { engineFeatures, searchCodes } from '../coding/engine-bridge.js';
import { createEncounter, encounterDetail, encounterRow, worklist, CODING_JOB } from '../services/encounters.js';
import * as review from '../services/review.js';
import * as queries from '../services/queries.js';
import * as audits from '../services/audits.js';
import { dashboard } from '../services/dashboard.js';
import { claimReadiness, encounter837, encounterCms1500 } from '../services/claims.js';
import { createUser, updateUser, userOut } from '../services/users.js';
import { enqueue } from '../jobs/queue.js';
import { PERMISSIONS } from '../auth/permissions.js';
import { codingOut } from '../coding/coding-out.js';

const Ok = z.object({ ok: z.literal(true) });
const idOf = (p: { id: number }) => p.id;

export function apiRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const k = ctx.db.kysely;

  // ------------------------------------------------------------ health, auth
  app.get('/api/health', { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness, database and engine features' } }, async () => {
    const releases = ctx.codeSets.releases().map((m) => m.id);
    return { ok: true, database: ctx.db.dialect, releases: releases.length, engine: engineFeatures() };
  });

  app.post('/api/auth/login', { config: { public: true }, schema: { tags: ['auth'], summary: 'Log in: sets the session cookie, returns the CSRF token', body: S.LoginBody, response: { 200: S.SessionOut } } }, async (req, reply) => {
    const { username, password } = req.body;
    const wait = ctx.limiter.retryAfter(req.ip, username);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      throw new HttpProblem(429, 'Too many attempts', `too many failed logins; try again in ${Math.ceil(wait / 60000)} minute(s)`, { code: 'RATE_LIMITED', field: 'body.username' });
    }
    const u = await k.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    const ok = u && u.active ? await verifyPassword(u.password_hash, password) : (await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$ZHVtbXloYXNo', password), false);
    if (!u || !ok) {
      ctx.limiter.fail(req.ip, username);
      await appendTrail(ctx.db, { userId: u ? Number(u.id) : null, username, action: 'auth.login_failed', entity: 'user', entityId: u ? Number(u.id) : null, detail: { ip: req.ip } });
      throw new HttpProblem(401, 'Unauthorized', 'wrong username or password', { code: 'BAD_CREDENTIALS', field: 'body.password' });
    }
    ctx.limiter.succeed(req.ip, username);
    const s = await createSession(ctx, Number(u.id));
    await appendTrail(ctx.db, { userId: Number(u.id), username: u.username, action: 'auth.login', entity: 'user', entityId: Number(u.id), detail: { ip: req.ip } });
    reply.setCookie(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'strict', secure: ctx.config.secureCookies, path: '/', expires: s.expires });
    return { user: userOut(u), csrfToken: s.csrfToken };
  });

  app.post('/api/auth/logout', { config: { permission: 'encounter.read' }, schema: { tags: ['auth'], summary: 'Log out' } }, async (req, reply) => {
    const user = currentUser(req);
    if (req.sessionId) await destroySession(ctx, req.sessionId);
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'auth.logout', entity: 'user', entityId: user.id });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/session', { config: { public: true }, schema: { tags: ['auth'], summary: 'The current user and CSRF token' } }, async (req) => {
    if (!req.user) throw new HttpProblem(401, 'Unauthorized', 'not logged in', { code: 'UNAUTHENTICATED' });
    const u = await k.selectFrom('users').selectAll().where('id', '=', req.user.id).executeTakeFirstOrThrow();
    return { user: userOut(u), csrfToken: req.csrfToken! };
  });

  app.get('/api/permissions', { config: { public: true }, schema: { tags: ['auth'], summary: 'Which roles may do what' } }, async () => PERMISSIONS);

  // ------------------------------------------------------------------ users
  app.get('/api/users', { config: { permission: 'users.list' }, schema: { tags: ['users'], response: { 200: z.array(S.UserOut) } } }, async () => {
    const rows = await k.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(userOut);
  });
  app.post('/api/users', { config: { permission: 'users.manage' }, schema: { tags: ['users'], body: S.CreateUserBody, response: { 201: S.UserOut } } }, async (req, reply) => {
    const u = await createUser(ctx.db, currentUser(req), req.body);
    return reply.status(201).send(u);
  });
  app.patch('/api/users/:id', { config: { permission: 'users.manage' }, schema: { tags: ['users'], params: S.IdParams, body: S.UpdateUserBody, response: { 200: S.UserOut } } }, async (req) =>
    updateUser(ctx, currentUser(req), idOf(req.params), req.body));

  // ------------------------------------------------------- codes (engine)
  // type-ahead asks the same prefixes again and again: searchCodes answers them from its cache, and the JSON of a cached answer is kept with it
  const searchJson = new WeakMap<object, string>();
  app.get('/api/codes/search', { config: { permission: 'encounter.read' }, schema: { tags: ['codes'], summary: 'Search codes by words or code prefix', querystring: S.SearchQuery, response: { 200: S.SearchOut } } }, async (req, reply) => {
    const date = req.query.date ?? new Date().toISOString().slice(0, 10);
    const r = await searchCodes(ctx.codeSets, req.query.q, { system: req.query.system, date, limit: req.query.limit });
    let json = searchJson.get(r);
    if (json === undefined) {
      const out: S.SearchOut = { system: req.query.system, release: r.release, engine: r.engine, hits: r.hits };
      searchJson.set(r, (json = JSON.stringify(out)));
    }
    return sendJson(reply, json);
  });
  app.get('/api/codes/:code', { config: { permission: 'encounter.read' }, schema: { tags: ['codes'], summary: 'Everything about one code on a date', params: z.object({ code: z.string().min(1).max(10) }), querystring: S.CodeQuery } }, async (req) => {
    const system = req.query.system ?? guessSystem(req.params.code);
    const r = await ctx.codeSets.lookup(system, req.params.code, req.query.date ? { date: req.query.date } : {});
    if (!r.detail) throw new HttpProblem(404, 'Unknown code', r.validation.reasons[0]?.message ?? `${req.params.code} not found`, { field: 'params.code', code: 'CODE_NOT_FOUND', validation: r.validation });
    return { system, ...r };
  });
  app.get('/api/codes/:code/validate', { config: { permission: 'encounter.read' }, schema: { tags: ['codes'], params: z.object({ code: z.string().min(1).max(10) }), querystring: S.CodeQuery } }, async (req) => {
    const system = req.query.system ?? guessSystem(req.params.code);
    return ctx.codeSets.validate(system, req.params.code, req.query.date ? { date: req.query.date } : {});
  });
  app.post('/api/code-text', { config: { permission: 'encounter.read' }, schema: { tags: ['codes'], summary: 'Code a note synchronously (nothing is stored)', body: S.CodeTextBody, response: { 200: S.CodingOut } } }, async (req, reply) => {
    const date = req.body.date ?? new Date().toISOString().slice(0, 10);
    const coding = { documents: [{ text: req.body.text }], setting: req.body.setting, date };
    // the answer is built field by field (coding/coding-out.ts; the type is the response schema's), so it is written without checking it again
    if (ctx.codeTextJson) return sendJson(reply, await ctx.codeTextJson(coding));
    return sendJson<S.CodingOut>(reply, codingOut(await ctx.coding(ctx.codeSets, coding)));
  });

  // -------------------------------------------------------------- encounters
  app.get('/api/encounters', { config: { permission: 'encounter.read' }, schema: { tags: ['encounters'], summary: 'Worklist page with counts per status', querystring: S.WorklistQuery, response: { 200: S.WorklistOut } } }, async (req) => {
    const q = req.query;
    return worklist(ctx, currentUser(req), { ...q, coder: q.coder as 'me' | 'unassigned' | number | undefined });
  });
  app.post('/api/encounters', { config: { permission: 'encounter.ingest' }, bodyLimit: 40 * 1024 * 1024, schema: { tags: ['encounters'], summary: 'Ingest an encounter with its documents; coding is queued', body: S.CreateEncounterBody, response: { 201: z.object({ id: z.number(), jobId: z.number() }) } } }, async (req, reply) => {
    const body = req.body;
    const r = await createEncounter(ctx, currentUser(req), {
      ...body,
      documents: body.documents.map((d, i) => {
        if (d.text !== undefined) return { title: d.title, text: d.text };
        if (!d.contentBase64) throw new HttpProblem(400, 'Invalid request', 'a document needs text or contentBase64', { field: `body.documents.${i}.text` });
        return { title: d.title, content: Buffer.from(d.contentBase64, 'base64'), ...(d.mime ? { mime: d.mime } : {}) };
      }),
    });
    return reply.status(201).send(r);
  });
  app.get('/api/encounters/:id', { config: { permission: 'encounter.read' }, schema: { tags: ['encounters'], summary: 'The encounter with documents, suggestions, codes, edits, queries (each document read is logged)', params: S.IdParams, response: { 200: S.EncounterDetail } } }, async (req) => {
    const user = currentUser(req);
    const d = await encounterDetail(ctx, user, idOf(req.params));
    if (await audits.blindFor(ctx, user, d.encounter.id)) return { ...d, suggestions: [], finalCodes: [], edits: [] };
    return d;
  });
  app.post('/api/encounters/:id/recode', { config: { permission: 'encounter.ingest' }, schema: { tags: ['encounters'], summary: 'Queue coding again', params: S.IdParams } }, async (req) => {
    const id = idOf(req.params);
    await encounterRow(ctx, id);
    const jobId = await enqueue(ctx.db, CODING_JOB, { encounterId: id, reason: 'requested' });
    ctx.pool.notify();
    return { jobId };
  });
  app.post('/api/encounters/:id/assign', { config: { permission: 'encounter.assign' }, schema: { tags: ['encounters'], params: S.IdParams, body: S.AssignBody, response: { 200: Ok } } }, async (req) => {
    await review.assign(ctx, currentUser(req), idOf(req.params), req.body.userId);
    return { ok: true as const };
  });

  // ----------------------------------------------- claim output (finalized)
  const claimRead = async (req: { user?: { id: number; username: string } | undefined }, id: number, format: string) => {
    const user = currentUser(req as never);
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'claim.read', entity: 'encounter', entityId: id, detail: { format } });
  };
  app.get('/api/encounters/:id/claim', { config: { permission: 'claim.read' }, schema: { tags: ['claims'], summary: 'Which claim forms a finalized encounter can have, and what is missing for them', params: S.IdParams, response: { 200: S.ClaimReadinessOut } } }, async (req) =>
    claimReadiness(ctx, idOf(req.params)));
  app.get('/api/encounters/:id/claim/837', { config: { permission: 'claim.read' }, schema: { tags: ['claims'], summary: 'The X12 837P or 837I of a finalized encounter (the read is logged)', params: S.IdParams } }, async (req, reply) => {
    const id = idOf(req.params);
    const r = await encounter837(ctx, id);
    await claimRead(req, id, r.guide);
    return reply.type('application/edi-x12').header('content-disposition', `attachment; filename="${r.fileName}"`).send(r.text);
  });
  app.get('/api/encounters/:id/claim/cms1500', { config: { permission: 'claim.read' }, schema: { tags: ['claims'], summary: 'The CMS-1500 (PDF) of a finalized professional encounter (the read is logged)', params: S.IdParams } }, async (req, reply) => {
    const id = idOf(req.params);
    const r = await encounterCms1500(ctx, id);
    await claimRead(req, id, 'CMS-1500');
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${r.fileName}"`).send(r.pdf);
  });
  app.put('/api/encounters/:id/claim-data', { config: { permission: 'encounter.ingest' }, schema: { tags: ['claims'], summary: 'Set the claim details (providers, subscriber, payer ids, charges) of an encounter', params: S.IdParams, body: S.ClaimDataIn, response: { 200: Ok } } }, async (req) => {
    const id = idOf(req.params);
    const user = currentUser(req);
    await encounterRow(ctx, id);
    await k.transaction().execute(async (trx) => {
      await trx.updateTable('encounters').set({ claim_data: JSON.stringify(req.body), updated_at: new Date().toISOString() }).where('id', '=', id).execute();
      await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'encounter.claim_data', entity: 'encounter', entityId: id, detail: { fields: Object.keys(req.body) } }, trx);
    });
    return { ok: true as const };
  });

  // ------------------------------------------------------------------ review
  const V = { 200: S.VersionOut };
  const SugParams = z.object({ id: z.coerce.number().int().positive(), suggestionId: z.coerce.number().int().positive() });
  const CodeParams = z.object({ id: z.coerce.number().int().positive(), codeId: z.coerce.number().int().positive() });
  app.post('/api/encounters/:id/suggestions/:suggestionId/accept', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], params: SugParams, body: S.AcceptBody, response: V } }, async (req) =>
    review.accept(ctx, currentUser(req), req.params.id, req.params.suggestionId, req.body));
  app.post('/api/encounters/:id/suggestions/:suggestionId/reject', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], params: SugParams, body: S.RejectBody, response: V } }, async (req) =>
    review.reject(ctx, currentUser(req), req.params.id, req.params.suggestionId, req.body));
  app.post('/api/encounters/:id/codes', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], summary: 'Add a code', params: S.IdParams, body: S.AddCodeBody, response: V } }, async (req) =>
    review.addCode(ctx, currentUser(req), idOf(req.params), req.body));
  app.patch('/api/encounters/:id/codes/:codeId', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], summary: 'Change a code or its POA', params: CodeParams, body: S.UpdateCodeBody, response: V } }, async (req) =>
    review.updateCode(ctx, currentUser(req), req.params.id, req.params.codeId, req.body));
  app.delete('/api/encounters/:id/codes/:codeId', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], params: CodeParams, querystring: z.object({ version: z.coerce.number().int().positive() }), response: V } }, async (req) =>
    review.removeCode(ctx, currentUser(req), req.params.id, req.params.codeId, req.query.version));
  app.post('/api/encounters/:id/sequence', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], summary: 'Re-sequence the final codes', params: S.IdParams, body: S.SequenceBody, response: V } }, async (req) =>
    review.resequence(ctx, currentUser(req), idOf(req.params), req.body));
  app.post('/api/encounters/:id/edits', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], summary: 'Run the edits on the final codes', params: S.IdParams, body: S.Versioned, response: V } }, async (req) =>
    review.runEncounterEdits(ctx, currentUser(req), idOf(req.params), req.body.version));
  app.post('/api/encounters/:id/edits/:findingId/fix', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], summary: 'Apply one of a finding\'s fixes', params: z.object({ id: z.coerce.number().int().positive(), findingId: z.coerce.number().int().positive() }), body: S.FixBody, response: V } }, async (req) =>
    review.applyFix(ctx, currentUser(req), req.params.id, req.params.findingId, req.body));
  app.post('/api/encounters/:id/finalize', { config: { permission: 'encounter.code' }, schema: { tags: ['review'], params: S.IdParams, body: S.Versioned, response: V } }, async (req) =>
    review.finalize(ctx, currentUser(req), idOf(req.params), req.body.version));
  app.post('/api/encounters/:id/reopen', { config: { permission: 'encounter.reopen' }, schema: { tags: ['review'], params: S.IdParams, body: S.Versioned.extend({ reason: z.string().min(1).max(1000) }), response: V } }, async (req) =>
    review.reopen(ctx, currentUser(req), idOf(req.params), req.body.version, req.body.reason));

  // -------------------------------------------------------- provider queries
  app.get('/api/queries', { config: { permission: 'encounter.read' }, schema: { tags: ['queries'], querystring: z.object({ status: z.enum(['open', 'answered', 'closed']).optional(), encounterId: z.coerce.number().int().optional() }), response: { 200: z.array(S.QueryOut) } } }, async (req) =>
    queries.listQueries(ctx, req.query));
  app.post('/api/encounters/:id/queries', { config: { permission: 'query.create' }, schema: { tags: ['queries'], params: S.IdParams, body: S.CreateQueryBody, response: { 201: z.object({ id: z.number() }) } } }, async (req, reply) =>
    reply.status(201).send({ id: await queries.createQuery(ctx, currentUser(req), idOf(req.params), req.body) }));
  app.post('/api/queries/:id/answer', { config: { permission: 'query.answer' }, schema: { tags: ['queries'], summary: 'Record the provider\'s answer; coding runs again', params: S.IdParams, body: S.AnswerQueryBody, response: { 200: Ok } } }, async (req) => {
    await queries.answerQuery(ctx, currentUser(req), idOf(req.params), req.body);
    return { ok: true as const };
  });
  app.post('/api/queries/:id/close', { config: { permission: 'query.answer' }, schema: { tags: ['queries'], params: S.IdParams, response: { 200: Ok } } }, async (req) => {
    await queries.closeQuery(ctx, currentUser(req), idOf(req.params));
    return { ok: true as const };
  });

  // ------------------------------------------------------------------ audits
  app.post('/api/audits/sample', { config: { permission: 'audit.sample' }, schema: { tags: ['audits'], summary: 'Sample N% or N finalized encounters per coder', body: S.SampleBody } }, async (req) =>
    audits.sample(ctx, currentUser(req), req.body));
  app.get('/api/audits', { config: { permission: 'audit.read' }, schema: { tags: ['audits'], querystring: z.object({ status: z.string().optional() }), response: { 200: z.array(S.AuditOut) } } }, async (req) =>
    audits.listAudits(ctx, currentUser(req), req.query));
  app.get('/api/audits/accuracy', { config: { permission: 'audit.read' }, schema: { tags: ['audits'], response: { 200: S.AccuracyOut } } }, async () => ({ coders: await audits.accuracyByCoder(ctx) }));
  app.get('/api/audits/:id', { config: { permission: 'audit.read' }, schema: { tags: ['audits'], params: S.IdParams, response: { 200: S.AuditOut } } }, async (req) =>
    audits.getAudit(ctx, currentUser(req), idOf(req.params)));
  app.post('/api/audits/:id/review', { config: { permission: 'audit.review' }, schema: { tags: ['audits'], summary: 'The auditor\'s blind codes and comments', params: S.IdParams, body: S.AuditReviewBody, response: { 200: S.AuditOut } } }, async (req) =>
    audits.review(ctx, currentUser(req), idOf(req.params), req.body));
  app.post('/api/audits/:id/rebuttal', { config: { permission: 'audit.rebut' }, schema: { tags: ['audits'], params: S.IdParams, body: S.RebuttalBody, response: { 200: S.AuditOut } } }, async (req) =>
    audits.rebut(ctx, currentUser(req), idOf(req.params), req.body.rebuttal));

  // ---------------------------------------------------- dashboard and trail
  app.get('/api/dashboard', { config: { permission: 'dashboard.read' }, schema: { tags: ['dashboard'], querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }), response: { 200: S.DashboardOut } } }, async (req) =>
    dashboard(ctx, req.query.days));
  app.get('/api/audit-trail', { config: { permission: 'trail.read' }, schema: { tags: ['trail'], querystring: z.object({ entity: z.string().optional(), entityId: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) } }, async (req) => {
    let q = k.selectFrom('audit_trail').selectAll().orderBy('id', 'desc').limit(req.query.limit);
    if (req.query.entity) q = q.where('entity', '=', req.query.entity);
    if (req.query.entityId) q = q.where('entity_id', '=', req.query.entityId);
    return (await q.execute()).map((r) => ({ ...r, id: Number(r.id), detail: JSON.parse(r.detail) as unknown }));
  });
  app.get('/api/audit-trail/verify', { config: { permission: 'trail.read' }, schema: { tags: ['trail'], response: { 200: S.TrailVerifyOut } } }, async () => verifyTrail(ctx.db));

  app.all('/api/*', { config: { public: true }, schema: { hide: true } }, async (req) => {
    throw notFound(`${req.method} ${req.url.split('?')[0]}`, 'url');
  });
}

/**
 * Sends JSON the handler has built to the shape of its response schema (the
 * type says so) or already serialised: Fastify skips the schema's serializer,
 * which would check every field of it again.
 */
function sendJson<T>(reply: FastifyReply, body: T | string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(typeof body === 'string' ? body : JSON.stringify(body));
}

function guessSystem(code: string): string {
  const c = code.toUpperCase();
  if (/^[0-9A-HJ-NP-Z]{7}$/.test(c) && !c.includes('.') && /^[0-9BCDFGHX]/.test(c)) return 'icd10pcs';
  if (/^[0-9]{4}[0-9FTU]$/.test(c)) return 'cpt';
  if (/^[A-V][0-9]{4}$/.test(c) && !c.includes('.')) return 'hcpcs';
  return 'icd10cm';
}
