/**
 * The coder's review: accept, reject, add, change, re-sequence codes, run
 * edits and apply their fixes, finalize; reopen by a manager. Every change
 * names the encounter version it was made on; a stale version is refused
 * (409), so two coders never silently overwrite each other.
 */
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import { now } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { appendTrail } from '../audit/trail.js';
import { badRequest, conflict, HttpProblem, notFound } from '../errors.js';
import type { SessionUser } from '../auth/session.js';
import { encounterRow } from './encounters.js';

type Trx = Transaction<Database>;
type Enc = Awaited<ReturnType<typeof encounterRow>>;

export interface ChangeResult {
  version: number;
}

/**
 * Run `fn` in a transaction after moving the encounter from `version` to
 * version + 1. Refuses stale versions and (unless `allowFinalized`)
 * finalized encounters.
 */
export async function change(
  ctx: AppContext,
  user: SessionUser,
  id: number,
  version: number,
  action: string,
  fn: (trx: Trx, enc: Enc) => Promise<Record<string, unknown> | void>,
  opts: { allowFinalized?: boolean; status?: (enc: Enc) => Enc['status'] } = {},
): Promise<ChangeResult> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const enc = await encounterRow(ctx, id, trx);
    if (enc.version !== version) {
      throw conflict(`encounter ${id} was changed by someone else (your version ${version}, current ${enc.version}); reload it`, { field: 'body.version', currentVersion: enc.version });
    }
    if (enc.status === 'finalized' && !opts.allowFinalized) {
      throw new HttpProblem(409, 'Conflict', `encounter ${id} is finalized; a manager must reopen it first`, { code: 'FINALIZED' });
    }
    const nextStatus = opts.status ? opts.status(enc) : enc.status === 'ready' || enc.status === 'pending' ? 'in_progress' : enc.status;
    const r = await trx
      .updateTable('encounters')
      .set({ version: version + 1, updated_at: now(), status: nextStatus, assigned_to: enc.assigned_to ?? (user.role === 'coder' ? user.id : null) })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict(`encounter ${id} was changed by someone else; reload it`, { field: 'body.version' });
    const detail = (await fn(trx, enc)) ?? {};
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action, entity: 'encounter', entityId: id, detail: { version: version + 1, ...detail } }, trx);
    return { version: version + 1 };
  });
}

async function nextSequence(trx: Trx, encounterId: number, kind: string): Promise<number> {
  const r = await trx.selectFrom('final_codes').select((eb) => eb.fn.max('sequence').as('m')).where('encounter_id', '=', encounterId).where('kind', '=', kind).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

async function renumber(trx: Trx, encounterId: number): Promise<void> {
  const rows = await trx.selectFrom('final_codes').select(['id', 'kind']).where('encounter_id', '=', encounterId).orderBy('sequence').orderBy('id').execute();
  const seq = new Map<string, number>();
  for (const r of rows) {
    const n = (seq.get(r.kind) ?? 0) + 1;
    seq.set(r.kind, n);
    await trx.updateTable('final_codes').set({ sequence: n }).where('id', '=', r.id).execute();
  }
}

async function suggestionOf(trx: Trx, encounterId: number, suggestionId: number) {
  const s = await trx.selectFrom('suggestions').selectAll().where('id', '=', suggestionId).where('encounter_id', '=', encounterId).executeTakeFirst();
  if (!s) throw notFound(`suggestion ${suggestionId} of encounter ${encounterId}`, 'params.suggestionId');
  return s;
}

export function accept(ctx: AppContext, user: SessionUser, id: number, suggestionId: number, body: { version: number; poa?: string | undefined }) {
  return change(ctx, user, id, body.version, 'code.accept', async (trx) => {
    const s = await suggestionOf(trx, id, suggestionId);
    if (s.status === 'suppressed') throw badRequest(`${s.code} was suppressed (${s.suppress_reason}); add it explicitly if it applies`, 'params.suggestionId');
    await trx.updateTable('suggestions').set({ status: 'accepted', reject_reason: null, poa: body.poa ?? s.poa }).where('id', '=', s.id).execute();
    const existing = await trx.selectFrom('final_codes').select('id').where('encounter_id', '=', id).where('system', '=', s.system).where('code', '=', s.code).executeTakeFirst();
    if (!existing) {
      await trx.insertInto('final_codes').values({
        encounter_id: id, system: s.system, code: s.code, title: s.title, kind: s.kind, sequence: await nextSequence(trx, id, s.kind),
        poa: body.poa ?? s.poa, suggestion_id: Number(s.id), added_by: user.id, created_at: now(),
      }).execute();
    }
    return { code: s.code, suggestionId };
  });
}

export function reject(ctx: AppContext, user: SessionUser, id: number, suggestionId: number, body: { version: number; reason: string }) {
  return change(ctx, user, id, body.version, 'code.reject', async (trx) => {
    const s = await suggestionOf(trx, id, suggestionId);
    await trx.updateTable('suggestions').set({ status: 'rejected', reject_reason: body.reason }).where('id', '=', s.id).execute();
    await trx.deleteFrom('final_codes').where('encounter_id', '=', id).where('suggestion_id', '=', Number(s.id)).execute();
    await renumber(trx, id);
    return { code: s.code, suggestionId, reason: body.reason };
  });
}

const KIND: Record<string, string> = { icd10cm: 'diagnosis', icd10pcs: 'procedure', cpt: 'service', hcpcs: 'service' };

export async function addCode(ctx: AppContext, user: SessionUser, id: number, body: { version: number; system: string; code: string; poa?: string | undefined }) {
  const enc = await encounterRow(ctx, id);
  const v = await ctx.codeSets.validate(body.system, body.code, { date: enc.service_from });
  if (!v.exists) {
    throw new HttpProblem(422, 'Unknown code', `${body.code} is not a ${body.system} code in ${v.release.label}${v.suggestions?.length ? `; did you mean ${v.suggestions.slice(0, 3).map((s) => s.code).join(', ')}?` : ''}`, { field: 'body.code', code: 'UNKNOWN_CODE' });
  }
  return change(ctx, user, id, body.version, 'code.add', async (trx) => {
    const dup = await trx.selectFrom('final_codes').select('id').where('encounter_id', '=', id).where('system', '=', body.system).where('code', '=', v.code).executeTakeFirst();
    if (dup) throw badRequest(`${v.code} is already on the encounter`, 'body.code');
    const kind = KIND[body.system] ?? 'diagnosis';
    await trx.insertInto('final_codes').values({
      encounter_id: id, system: body.system, code: v.code, title: v.title ?? v.code, kind, sequence: await nextSequence(trx, id, kind), poa: body.poa ?? null, suggestion_id: null, added_by: user.id, created_at: now(),
    }).execute();
    return { code: v.code, valid: v.valid };
  });
}

export async function updateCode(ctx: AppContext, user: SessionUser, id: number, codeId: number, body: { version: number; code?: string | undefined; poa?: string | null | undefined }) {
  const enc = await encounterRow(ctx, id);
  return change(ctx, user, id, body.version, 'code.update', async (trx) => {
    const fc = await trx.selectFrom('final_codes').selectAll().where('id', '=', codeId).where('encounter_id', '=', id).executeTakeFirst();
    if (!fc) throw notFound(`code ${codeId} of encounter ${id}`, 'params.codeId');
    const set: { code?: string; title?: string; poa?: string | null; suggestion_id?: null } = {};
    if (body.code && body.code !== fc.code) {
      const v = await ctx.codeSets.validate(fc.system, body.code, { date: enc.service_from });
      if (!v.exists) throw new HttpProblem(422, 'Unknown code', `${body.code} is not a ${fc.system} code`, { field: 'body.code', code: 'UNKNOWN_CODE' });
      Object.assign(set, { code: v.code, title: v.title ?? v.code, suggestion_id: null });
    }
    if (body.poa !== undefined) set.poa = body.poa;
    if (Object.keys(set).length) await trx.updateTable('final_codes').set(set).where('id', '=', codeId).execute();
    return { codeId, from: fc.code, ...set };
  });
}

export function removeCode(ctx: AppContext, user: SessionUser, id: number, codeId: number, version: number) {
  return change(ctx, user, id, version, 'code.remove', async (trx) => {
    const fc = await trx.selectFrom('final_codes').selectAll().where('id', '=', codeId).where('encounter_id', '=', id).executeTakeFirst();
    if (!fc) throw notFound(`code ${codeId} of encounter ${id}`, 'params.codeId');
    await trx.deleteFrom('final_codes').where('id', '=', codeId).execute();
    if (fc.suggestion_id !== null) await trx.updateTable('suggestions').set({ status: 'suggested' }).where('id', '=', fc.suggestion_id).where('status', '=', 'accepted').execute();
    await renumber(trx, id);
    return { code: fc.code };
  });
}

export function resequence(ctx: AppContext, user: SessionUser, id: number, body: { version: number; order: number[] }) {
  return change(ctx, user, id, body.version, 'code.sequence', async (trx) => {
    const rows = await trx.selectFrom('final_codes').select(['id', 'kind', 'code']).where('encounter_id', '=', id).execute();
    const ids = new Set(rows.map((r) => Number(r.id)));
    const order = body.order;
    if (order.length !== ids.size || !order.every((x) => ids.has(x)) || new Set(order).size !== order.length) {
      throw badRequest('order must list every final code id of the encounter exactly once', 'body.order');
    }
    for (const [i, codeId] of order.entries()) await trx.updateTable('final_codes').set({ sequence: i + 1 }).where('id', '=', codeId).execute();
    await renumber(trx, id);
    return { order: order.map((x) => rows.find((r) => Number(r.id) === x)!.code) };
  });
}

async function computeEdits(ctx: AppContext, trx: Trx, enc: Enc) {
  const codes = await trx.selectFrom('final_codes').selectAll().where('encounter_id', '=', enc.id).orderBy('kind').orderBy('sequence').execute();
  const patient = await trx.selectFrom('patients').select(['birth_date', 'sex']).where('id', '=', enc.patient_id).executeTakeFirst();
  const r = await ctx.edits(ctx.codeSets, {
    setting: enc.setting, date: enc.service_from, dateTo: enc.service_to, encounterId: enc.id,
    patient: { birthDate: patient?.birth_date ?? null, sex: patient?.sex ?? null },
    codes: codes.map((c) => ({ system: c.system, code: c.code, sequence: Number(c.sequence), kind: c.kind, poa: c.poa })),
  });
  await trx.deleteFrom('edit_findings').where('encounter_id', '=', enc.id).where('status', '=', 'open').execute();
  const t = now();
  for (const f of r.findings) {
    await trx.insertInto('edit_findings').values({
      encounter_id: enc.id, rule: f.rule, severity: f.severity, message: f.message, codes: JSON.stringify(f.codes), fixes: JSON.stringify(f.fixes), status: 'open', created_at: t,
      layer: f.layer ?? null, advice: f.advice ?? null, source: f.source ?? null,
    }).execute();
  }
  return r.findings;
}

export function runEncounterEdits(ctx: AppContext, user: SessionUser, id: number, version: number) {
  return change(ctx, user, id, version, 'edits.run', async (trx, enc) => {
    const findings = await computeEdits(ctx, trx, enc);
    return { findings: findings.map((f) => f.rule) };
  });
}

export function applyFix(ctx: AppContext, user: SessionUser, id: number, findingId: number, body: { version: number; fix: number }) {
  return change(ctx, user, id, body.version, 'edits.fix', async (trx, enc) => {
    const f = await trx.selectFrom('edit_findings').selectAll().where('id', '=', findingId).where('encounter_id', '=', id).executeTakeFirst();
    if (!f) throw notFound(`edit finding ${findingId}`, 'params.findingId');
    if (f.status !== 'open') throw badRequest(`finding ${findingId} is ${f.status}`, 'params.findingId');
    const fixes = JSON.parse(f.fixes) as Array<{ action: string; code?: string; replacement?: string; label: string }>;
    const fix = fixes[body.fix];
    if (!fix) throw badRequest(`finding ${findingId} has no fix ${body.fix}`, 'body.fix');
    const target = fix.code ? await trx.selectFrom('final_codes').selectAll().where('encounter_id', '=', id).where('code', '=', fix.code).orderBy('id', 'desc').executeTakeFirst() : undefined;
    if (fix.action === 'remove' && target) {
      await trx.deleteFrom('final_codes').where('id', '=', target.id).execute();
      await renumber(trx, id);
    } else if (fix.action === 'replace' && target && fix.replacement?.startsWith('POA:')) {
      await trx.updateTable('final_codes').set({ poa: fix.replacement.slice(4) || null }).where('id', '=', target.id).execute();
    } else if (fix.action === 'replace' && target && fix.replacement) {
      const v = await ctx.codeSets.validate(target.system, fix.replacement, { date: enc.service_from });
      await trx.updateTable('final_codes').set({ code: v.code, title: v.title ?? v.code, suggestion_id: null }).where('id', '=', target.id).execute();
    } else if (fix.action === 'add' && fix.replacement) {
      const system = fix.replacement.includes('.') || /^[A-Z]\d\d$/.test(fix.replacement) ? 'icd10cm' : 'icd10pcs';
      const v = await ctx.codeSets.validate(system, fix.replacement, { date: enc.service_from });
      const kind = KIND[system] ?? 'diagnosis';
      await trx.insertInto('final_codes').values({ encounter_id: id, system, code: v.code, title: v.title ?? v.code, kind, sequence: await nextSequence(trx, id, kind), poa: null, suggestion_id: null, added_by: user.id, created_at: now() }).execute();
    } else if (!target && fix.action !== 'add') {
      throw badRequest(`the code ${fix.code ?? ''} of this fix is no longer on the encounter; run the edits again`, 'body.fix');
    }
    await trx.updateTable('edit_findings').set({ status: 'resolved' }).where('id', '=', findingId).execute();
    const remaining = await computeEdits(ctx, trx, enc);
    return { findingId, rule: f.rule, fix: fix.label, remaining: remaining.length };
  });
}

export function finalize(ctx: AppContext, user: SessionUser, id: number, version: number) {
  return change(
    ctx, user, id, version, 'encounter.finalize',
    async (trx, enc) => {
      const codes = await trx.selectFrom('final_codes').select('code').where('encounter_id', '=', id).execute();
      if (!codes.length) throw new HttpProblem(422, 'Cannot finalize', 'no codes: accept or add at least one code', { code: 'NO_CODES' });
      const open = await trx.selectFrom('provider_queries').select('id').where('encounter_id', '=', id).where('status', '=', 'open').execute();
      if (open.length) throw new HttpProblem(422, 'Cannot finalize', `provider quer${open.length > 1 ? 'ies' : 'y'} ${open.map((q) => q.id).join(', ')} still open`, { code: 'OPEN_QUERIES' });
      const findings = await computeEdits(ctx, trx, enc);
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length) throw new HttpProblem(422, 'Cannot finalize', `edits to resolve: ${errors.map((f) => f.message).join('; ')}`, { code: 'OPEN_EDITS', rules: errors.map((f) => f.rule) });
      await trx.updateTable('encounters').set({ status: 'finalized', finalized_by: user.id, finalized_at: now(), assigned_to: enc.assigned_to ?? user.id }).where('id', '=', id).execute();
      return { codes: codes.map((c) => c.code) };
    },
    { status: () => 'finalized' },
  );
}

export function reopen(ctx: AppContext, user: SessionUser, id: number, version: number, reason: string) {
  return change(
    ctx, user, id, version, 'encounter.reopen',
    async (trx, enc) => {
      if (enc.status !== 'finalized') throw new HttpProblem(409, 'Conflict', `encounter ${id} is not finalized`, { code: 'NOT_FINALIZED' });
      await trx.updateTable('encounters').set({ finalized_by: null, finalized_at: null }).where('id', '=', id).execute();
      return { reason };
    },
    { allowFinalized: true, status: () => 'in_progress' },
  );
}

export async function assign(ctx: AppContext, user: SessionUser, id: number, userId: number | null) {
  await encounterRow(ctx, id);
  if (userId !== null) {
    const u = await ctx.db.kysely.selectFrom('users').select(['id', 'role']).where('id', '=', userId).executeTakeFirst();
    if (!u || (u.role !== 'coder' && u.role !== 'manager')) throw badRequest(`user ${userId} is not a coder`, 'body.userId');
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('encounters').set({ assigned_to: userId, updated_at: now() }).where('id', '=', id).execute();
    await appendTrail(ctx.db, { userId: user.id, username: user.username, action: 'encounter.assign', entity: 'encounter', entityId: id, detail: { assignedTo: userId } }, trx);
  });
}
