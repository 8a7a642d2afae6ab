/** The coding job: code an encounter's documents and store the suggestions. */
import type { Job } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { now } from '../db/connect.js';
import { appendTrail } from '../audit/trail.js';
import type { JobHandler } from '../jobs/queue.js';
import { addHccExplanations } from './engine-bridge.js';

export function codingJob(ctx: Pick<AppContext, 'db' | 'codeSets' | 'coding'>): JobHandler {
  return async (job: Job, { complete }) => {
    const { encounterId } = JSON.parse(job.payload) as { encounterId: number };
    const k = ctx.db.kysely;
    const enc = await k.selectFrom('encounters').selectAll().where('id', '=', encounterId).executeTakeFirst();
    if (!enc) return; // deleted meanwhile: nothing to do
    const docs = await k.selectFrom('documents').select(['id', 'title', 'text']).where('encounter_id', '=', encounterId).orderBy('id').execute();
    const answer = await ctx.coding(ctx.codeSets, { documents: docs.map((d) => ({ text: d.text, title: d.title })), setting: enc.setting, date: enc.service_from });
    const patient = await k.selectFrom('patients').select(['birth_date', 'sex']).where('id', '=', enc.patient_id).executeTakeFirst();
    await addHccExplanations(ctx.codeSets, { birthDate: patient?.birth_date ?? null, sex: patient?.sex ?? null, payer: enc.payer, date: enc.service_from }, answer.codes);
    await complete(async (trx) => {
      const prior = await trx.selectFrom('suggestions').select(['id', 'system', 'code', 'status', 'reject_reason']).where('encounter_id', '=', encounterId).execute();
      const decided = new Map(prior.filter((p) => p.status === 'accepted' || p.status === 'rejected').map((p) => [`${p.system}|${p.code}`, p]));
      await trx.deleteFrom('suggestions').where('encounter_id', '=', encounterId).execute();
      for (const c of answer.codes) {
        const before = c.suppressReason ? undefined : decided.get(`${c.system}|${c.code}`);
        const ins = await trx
          .insertInto('suggestions')
          .values({
            encounter_id: encounterId, system: c.system, code: c.code, title: c.title, kind: c.kind, sequence: c.sequence, confidence: c.confidence, rationale: c.rationale,
            evidence: JSON.stringify(c.evidence.map((e) => ({ documentId: Number(docs[e.doc]!.id), start: e.start, end: e.end, text: e.text }))),
            status: c.suppressReason ? 'suppressed' : (before?.status ?? 'suggested'), reject_reason: before?.reject_reason ?? null, suppress_reason: c.suppressReason,
            poa: c.poa ?? null, details: c.details ? JSON.stringify(c.details) : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (before) await trx.updateTable('final_codes').set({ suggestion_id: Number(ins.id) }).where('suggestion_id', '=', Number(before.id)).execute();
      }
      const open = await trx.selectFrom('provider_queries').select('id').where('encounter_id', '=', encounterId).where('status', '=', 'open').executeTakeFirst();
      const status = enc.status === 'finalized' ? 'finalized' : open ? 'query' : enc.status === 'pending' || enc.status === 'ready' ? 'ready' : 'in_progress';
      await trx
        .updateTable('encounters')
        .set((eb) => ({ version: eb('version', '+', 1), status, coded_at: now(), updated_at: now(), coding_engine: answer.engine, coding_error: null }))
        .where('id', '=', encounterId)
        .execute();
      await appendTrail(ctx.db, { userId: null, username: 'system', action: 'encounter.coded', entity: 'encounter', entityId: encounterId, detail: { job: job.id, engine: answer.engine, codes: answer.codes.filter((c) => !c.suppressReason).map((c) => c.code) } }, trx);
    });
  };
}
