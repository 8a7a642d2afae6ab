/** Provider queries: asked from a code or a documentation gap, answered, closed. An answer re-runs coding. */
import type { AppContext } from '../context.js';
import { now } from '../db/connect.js';
import { appendTrail } from '../audit/trail.js';
import { enqueue } from '../jobs/queue.js';
import { badRequest, notFound } from '../errors.js';
import type { SessionUser } from '../auth/session.js';
import type { QueryOut } from '../api/schemas.js';
import { CODING_JOB, encounterRow } from './encounters.js';

export async function listQueries(ctx: AppContext, filter: { status?: string | undefined; encounterId?: number | undefined }): Promise<QueryOut[]> {
  let q = ctx.db.kysely
    .selectFrom('provider_queries as q')
    .innerJoin('users as u', 'u.id', 'q.created_by')
    .innerJoin('encounters as e', 'e.id', 'q.encounter_id')
    .innerJoin('patients as p', 'p.id', 'e.patient_id')
    .selectAll('q')
    .select(['u.display_name as creator', 'e.external_id', 'p.name as patient_name']);
  if (filter.status) q = q.where('q.status', '=', filter.status);
  if (filter.encounterId) q = q.where('q.encounter_id', '=', filter.encounterId);
  const rows = await q.orderBy('q.id', 'desc').limit(500).execute();
  return rows.map((r) => ({ id: Number(r.id), encounterId: Number(r.encounter_id), encounterExternalId: r.external_id, patientName: r.patient_name, code: r.code, question: r.question, status: r.status, createdBy: r.creator, createdAt: r.created_at, answer: r.answer, answeredAt: r.answered_at, closedAt: r.closed_at }));
}

export async function createQuery(ctx: AppContext, user: SessionUser, encounterId: number, body: { code?: string | undefined; question: string }): Promise<number> {
  const enc = await encounterRow(ctx, encounterId);
  if (enc.status === 'finalized') throw badRequest(`encounter ${encounterId} is finalized`, 'params.id');
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const r = await trx.insertInto('provider_queries').values({ encounter_id: encounterId, code: body.code ?? null, question: body.question, status: 'open', created_by: user.id, created_at: now(), answer: null, answered_by: null, answered_at: null, closed_at: null }).returning('id').executeTakeFirstOrThrow();
    await trx.updateTable('encounters').set((eb) => ({ status: 'query', version: eb('version', '+', 1), updated_at: now() })).where('id', '=', encounterId).execute();
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'query.create', entity: 'provider_query', entityId: Number(r.id), detail: { encounterId, code: body.code ?? null } }, trx);
    return Number(r.id);
  });
}

async function queryRow(ctx: AppContext, id: number) {
  const q = await ctx.db.kysely.selectFrom('provider_queries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!q) throw notFound(`provider query ${id}`);
  return q;
}

export async function answerQuery(ctx: AppContext, user: SessionUser, id: number, body: { answer: string; addToDocuments: boolean }): Promise<void> {
  const q = await queryRow(ctx, id);
  if (q.status !== 'open') throw badRequest(`query ${id} is ${q.status}`, 'params.id');
  const encounterId = Number(q.encounter_id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const t = now();
    await trx.updateTable('provider_queries').set({ status: 'answered', answer: body.answer, answered_by: user.id, answered_at: t }).where('id', '=', id).execute();
    if (body.addToDocuments) {
      await trx.insertInto('documents').values({ encounter_id: encounterId, title: `Provider query ${id} response`, kind: 'note', mime: 'text/plain', text_source: 'text', ocr_confidence: null, text: `Query: ${q.question}\nResponse: ${body.answer}\n`, created_at: t }).execute();
    }
    const stillOpen = await trx.selectFrom('provider_queries').select('id').where('encounter_id', '=', encounterId).where('status', '=', 'open').executeTakeFirst();
    await trx.updateTable('encounters').set((eb) => ({ status: stillOpen ? 'query' : 'in_progress', version: eb('version', '+', 1), updated_at: t })).where('id', '=', encounterId).where('status', '!=', 'finalized').execute();
    await enqueue(ctx.db, CODING_JOB, { encounterId, reason: `query ${id} answered` }, {}, trx);
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'query.answer', entity: 'provider_query', entityId: id, detail: { encounterId } }, trx);
  });
  ctx.pool.notify();
}

export async function closeQuery(ctx: AppContext, user: SessionUser, id: number): Promise<void> {
  const q = await queryRow(ctx, id);
  if (q.status === 'closed') throw badRequest(`query ${id} is already closed`, 'params.id');
  const encounterId = Number(q.encounter_id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('provider_queries').set({ status: 'closed', closed_at: now() }).where('id', '=', id).execute();
    const stillOpen = await trx.selectFrom('provider_queries').select('id').where('encounter_id', '=', encounterId).where('status', '=', 'open').executeTakeFirst();
    if (!stillOpen) await trx.updateTable('encounters').set((eb) => ({ status: 'in_progress', version: eb('version', '+', 1), updated_at: now() })).where('id', '=', encounterId).where('status', '=', 'query').execute();
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'query.close', entity: 'provider_query', entityId: id, detail: { encounterId } }, trx);
  });
}
