/**
 * Coding audits: sample finalized encounters per coder, blind re-code by an
 * auditor, accuracy per encounter and per coder. Code-level precision is the
 * share of the coder's codes the auditor kept; recall is the share of the
 * auditor's codes the coder found. A change of the principal (first-listed)
 * diagnosis is counted separately.
 */
import type { AppContext } from '../context.js';
import { now } from '../db/connect.js';
import { appendTrail } from '../audit/trail.js';
import { badRequest, HttpProblem, notFound } from '../errors.js';
import type { SessionUser } from '../auth/session.js';
import type { AuditOut } from '../api/schemas.js';

export interface AuditCode {
  system: string;
  code: string;
  sequence?: number | undefined;
}

export interface Accuracy {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  principalChanged: boolean;
}

const key = (c: AuditCode) => `${c.system}|${c.code.toUpperCase()}`;
const principal = (codes: AuditCode[]) => [...codes].filter((c) => c.system === 'icd10cm').sort((a, b) => (a.sequence ?? 99) - (b.sequence ?? 99))[0];

export function compareCodes(coder: AuditCode[], auditor: AuditCode[]): Accuracy {
  const a = new Set(auditor.map(key));
  const c = new Set(coder.map(key));
  const tp = [...c].filter((x) => a.has(x)).length;
  const fp = c.size - tp;
  const fn = a.size - tp;
  const pc = principal(coder);
  const pa = principal(auditor);
  return {
    truePositives: tp, falsePositives: fp, falseNegatives: fn,
    precision: c.size ? tp / c.size : 1,
    recall: a.size ? tp / a.size : 1,
    principalChanged: !!(pc || pa) && (!pc || !pa || key(pc) !== key(pa)),
  };
}

/** A small seeded generator so a sample can be reproduced. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export async function sample(ctx: AppContext, user: SessionUser, body: { percent?: number | undefined; count?: number | undefined; from?: string | undefined; to?: string | undefined; coderId?: number | undefined; seed?: number | undefined }): Promise<{ created: number; perCoder: Record<string, number> }> {
  const k = ctx.db.kysely;
  let q = k.selectFrom('encounters as e').select(['e.id', 'e.finalized_by']).where('e.status', '=', 'finalized').where('e.finalized_by', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audits as a').select('a.id').whereRef('a.encounter_id', '=', 'e.id'))));
  if (body.from) q = q.where('e.finalized_at', '>=', body.from);
  if (body.to) q = q.where('e.finalized_at', '<', `${body.to}T99`);
  if (body.coderId) q = q.where('e.finalized_by', '=', body.coderId);
  const rows = await q.orderBy('e.id').execute();
  const byCoder = new Map<number, number[]>();
  for (const r of rows) {
    const c = Number(r.finalized_by);
    byCoder.set(c, [...(byCoder.get(c) ?? []), Number(r.id)]);
  }
  const random = rng(body.seed ?? Date.now());
  const chosen: Array<{ encounterId: number; coderId: number }> = [];
  for (const [coderId, ids] of byCoder) {
    const n = body.count ?? Math.max(1, Math.ceil((ids.length * (body.percent ?? 0)) / 100));
    const pool = [...ids];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    for (const encounterId of pool.slice(0, n)) chosen.push({ encounterId, coderId });
  }
  const perCoder: Record<string, number> = {};
  await k.transaction().execute(async (trx) => {
    for (const c of chosen) {
      const codes = await trx.selectFrom('final_codes').select(['system', 'code', 'sequence']).where('encounter_id', '=', c.encounterId).orderBy('kind').orderBy('sequence').execute();
      await trx.insertInto('audits').values({
        encounter_id: c.encounterId, coder_id: c.coderId, auditor_id: null, status: 'assigned', auditor_codes: null,
        coder_codes: JSON.stringify(codes.map((x) => ({ system: x.system, code: x.code, sequence: Number(x.sequence) }))),
        true_positives: null, false_positives: null, false_negatives: null, precision: null, recall: null, principal_changed: null, comments: null, rebuttal: null, created_at: now(), completed_at: null,
      }).execute();
      perCoder[String(c.coderId)] = (perCoder[String(c.coderId)] ?? 0) + 1;
    }
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'audit.sample', entity: 'audit', entityId: null, detail: { ...body, created: chosen.length } }, trx);
  });
  return { created: chosen.length, perCoder };
}

type AuditRow = Awaited<ReturnType<typeof auditRows>>[number];
function auditRows(ctx: AppContext) {
  return ctx.db.kysely
    .selectFrom('audits as a')
    .innerJoin('users as c', 'c.id', 'a.coder_id')
    .leftJoin('users as au', 'au.id', 'a.auditor_id')
    .selectAll('a')
    .select(['c.display_name as coder_name', 'au.display_name as auditor_name'])
    .orderBy('a.id', 'desc')
    .limit(1000)
    .execute();
}

function toOut(r: AuditRow, viewer: SessionUser): AuditOut {
  // blind: the auditor sees the coder's codes only once the review is in
  const hideCoder = viewer.role === 'auditor' && r.status === 'assigned';
  return {
    id: Number(r.id), encounterId: Number(r.encounter_id), coder: r.coder_name, coderId: Number(r.coder_id), auditor: r.auditor_name, status: r.status,
    precision: r.precision === null ? null : Number(r.precision), recall: r.recall === null ? null : Number(r.recall), principalChanged: r.principal_changed === null ? null : !!Number(r.principal_changed),
    truePositives: r.true_positives === null ? null : Number(r.true_positives), falsePositives: r.false_positives === null ? null : Number(r.false_positives), falseNegatives: r.false_negatives === null ? null : Number(r.false_negatives),
    comments: r.comments, rebuttal: r.rebuttal, createdAt: r.created_at, completedAt: r.completed_at,
    coderCodes: hideCoder ? null : (JSON.parse(r.coder_codes) as AuditCode[]),
    auditorCodes: r.auditor_codes ? (JSON.parse(r.auditor_codes) as AuditCode[]) : null,
  };
}

export async function listAudits(ctx: AppContext, viewer: SessionUser, filter: { status?: string | undefined }): Promise<AuditOut[]> {
  const rows = await auditRows(ctx);
  return rows
    .filter((r) => (!filter.status || r.status === filter.status) && (viewer.role !== 'coder' || Number(r.coder_id) === viewer.id))
    .map((r) => toOut(r, viewer));
}

export async function getAudit(ctx: AppContext, viewer: SessionUser, id: number): Promise<AuditOut> {
  const r = (await auditRows(ctx)).find((x) => Number(x.id) === id);
  if (!r || (viewer.role === 'coder' && Number(r.coder_id) !== viewer.id)) throw notFound(`audit ${id}`);
  return toOut(r, viewer);
}

/** Is there an audit waiting for a blind review of this encounter? */
export async function blindFor(ctx: AppContext, viewer: SessionUser, encounterId: number): Promise<boolean> {
  if (viewer.role !== 'auditor') return false;
  const r = await ctx.db.kysely.selectFrom('audits').select('id').where('encounter_id', '=', encounterId).where('status', '=', 'assigned').executeTakeFirst();
  return !!r;
}

export async function review(ctx: AppContext, user: SessionUser, id: number, body: { codes: AuditCode[]; comments?: string | undefined }): Promise<AuditOut> {
  const a = await ctx.db.kysely.selectFrom('audits').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a) throw notFound(`audit ${id}`);
  if (a.status !== 'assigned') throw new HttpProblem(409, 'Conflict', `audit ${id} is ${a.status}`, { code: 'AUDIT_DONE' });
  if (Number(a.coder_id) === user.id) throw badRequest('an auditor may not audit their own work', 'params.id');
  const codes = body.codes.map((c, i) => ({ system: c.system, code: c.code.toUpperCase(), sequence: c.sequence ?? i + 1 }));
  const acc = compareCodes(JSON.parse(a.coder_codes) as AuditCode[], codes);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('audits').set({
      status: 'completed', auditor_id: user.id, auditor_codes: JSON.stringify(codes), true_positives: acc.truePositives, false_positives: acc.falsePositives, false_negatives: acc.falseNegatives,
      precision: acc.precision, recall: acc.recall, principal_changed: acc.principalChanged ? 1 : 0, comments: body.comments ?? null, completed_at: now(),
    }).where('id', '=', id).execute();
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'audit.review', entity: 'audit', entityId: id, detail: { encounterId: Number(a.encounter_id), ...acc } }, trx);
  });
  return getAudit(ctx, user, id);
}

export async function rebut(ctx: AppContext, user: SessionUser, id: number, rebuttal: string): Promise<AuditOut> {
  const a = await ctx.db.kysely.selectFrom('audits').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a || Number(a.coder_id) !== user.id) throw notFound(`audit ${id}`);
  if (a.status !== 'completed') throw new HttpProblem(409, 'Conflict', `audit ${id} is ${a.status}; a rebuttal answers a completed review`, { code: 'AUDIT_STATE' });
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('audits').set({ status: 'rebutted', rebuttal }).where('id', '=', id).execute();
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'audit.rebut', entity: 'audit', entityId: id, detail: {} }, trx);
  });
  return getAudit(ctx, user, id);
}

export async function accuracyByCoder(ctx: AppContext) {
  const rows = await ctx.db.kysely
    .selectFrom('audits as a')
    .innerJoin('users as u', 'u.id', 'a.coder_id')
    .select(['a.coder_id', 'u.display_name'])
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('a.true_positives').as('tp'),
      eb.fn.sum<number>('a.false_positives').as('fp'),
      eb.fn.sum<number>('a.false_negatives').as('fn'),
      eb.fn.sum<number>('a.principal_changed').as('pc'),
    ])
    .where('a.status', 'in', ['completed', 'rebutted', 'closed'])
    .groupBy(['a.coder_id', 'u.display_name'])
    .orderBy('u.display_name')
    .execute();
  return rows.map((r) => {
    const tp = Number(r.tp ?? 0);
    const fp = Number(r.fp ?? 0);
    const fn = Number(r.fn ?? 0);
    return { coderId: Number(r.coder_id), coder: r.display_name, audits: Number(r.n), precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1, principalChanges: Number(r.pc ?? 0) };
  });
}
