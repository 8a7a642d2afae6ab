/** Encounters: ingest, worklist, the full encounter view. */
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import { now } from '../db/connect.js';
import type { Database, EncounterStatus, Setting } from '../db/schema.js';
import { appendTrail } from '../audit/trail.js';
import { enqueue } from '../jobs/queue.js';
import { statusCounts } from './encounter-counts.js';
import { extractText, mimeFromName } from '../documents/extract.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { SessionUser } from '../auth/session.js';
import type { CreateEncounterBody, EncounterDetail, EncounterSummary, WorklistOut } from '../api/schemas.js';

export const CODING_JOB = 'code-encounter';

export interface IncomingDocument {
  title: string;
  text?: string;
  content?: Buffer;
  mime?: string;
}

/** Create an encounter with its documents and queue its coding. */
export async function createEncounter(ctx: AppContext, user: SessionUser | null, body: Omit<CreateEncounterBody, 'documents'> & { documents: IncomingDocument[] }): Promise<{ id: number; jobId: number }> {
  if (body.serviceTo && body.serviceTo < body.serviceFrom) throw badRequest('serviceTo is before serviceFrom', 'body.serviceTo');
  // extract text before the transaction (OCR can take a while)
  const docs = await Promise.all(
    body.documents.map(async (d, i) => {
      if (d.text !== undefined) return { title: d.title, ...(await extractText(d.text, 'text/plain')) };
      if (!d.content) throw badRequest('a document needs text or content', `body.documents.${i}`);
      return { title: d.title, ...(await extractText(d.content, d.mime ?? mimeFromName(d.title))) };
    }),
  );
  const t = now();
  return ctx.db.kysely.transaction().execute(async (trx) => {
    let patient = await trx.selectFrom('patients').select('id').where('mrn', '=', body.patient.mrn).executeTakeFirst();
    if (!patient) {
      patient = await trx
        .insertInto('patients')
        .values({ mrn: body.patient.mrn, name: body.patient.name, birth_date: body.patient.birthDate ?? null, sex: body.patient.sex ?? null })
        .returning('id')
        .executeTakeFirstOrThrow();
    }
    if (body.externalId) {
      const dup = await trx.selectFrom('encounters').select('id').where('external_id', '=', body.externalId).executeTakeFirst();
      if (dup) throw conflict(`an encounter with externalId ${body.externalId} exists (id ${dup.id})`, { field: 'body.externalId', code: 'DUPLICATE', id: Number(dup.id) });
    }
    const enc = await trx
      .insertInto('encounters')
      .values({
        external_id: body.externalId ?? null, patient_id: Number(patient.id), setting: body.setting, service_from: body.serviceFrom, service_to: body.serviceTo ?? body.serviceFrom,
        provider: body.provider ?? null, payer: body.payer ?? null, status: 'pending', assigned_to: null, version: 1,
        coded_at: null, coding_engine: null, coding_error: null, finalized_by: null, finalized_at: null, created_at: t, updated_at: t,
        claim_data: body.claim ? JSON.stringify(body.claim) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(enc.id);
    for (const d of docs) {
      await trx.insertInto('documents').values({ encounter_id: id, title: d.title, kind: d.kind, mime: d.mime, text_source: d.source, ocr_confidence: d.ocrConfidence, text: d.text, created_at: t }).execute();
    }
    const jobId = await enqueue(ctx.db, CODING_JOB, { encounterId: id }, {}, trx);
    await appendTrail(ctx.db, { userId: user?.id ?? null, username: user?.username ?? 'system', action: 'encounter.create', entity: 'encounter', entityId: id, detail: { externalId: body.externalId ?? null, documents: docs.map((d) => ({ title: d.title, source: d.source, chars: d.text.length })) } }, trx);
    return { id, jobId };
  }).then((r) => {
    ctx.pool.notify();
    return r;
  });
}

export interface WorklistFilter {
  status?: EncounterStatus;
  setting?: Setting;
  coder?: 'me' | 'unassigned' | number;
  from?: string;
  to?: string;
  q?: string;
  limit: number;
  after?: string;
}

const encodeCursor = (from: string, id: number) => Buffer.from(`${from}|${id}`).toString('base64url');
function decodeCursor(c: string): { from: string; id: number } {
  const [from, id] = Buffer.from(c, 'base64url').toString().split('|');
  if (!from || !id || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d+$/.test(id)) throw badRequest('malformed cursor', 'querystring.after');
  return { from, id: Number(id) };
}

export async function worklist(ctx: AppContext, user: SessionUser, f: WorklistFilter): Promise<WorklistOut> {
  const k = ctx.db.kysely;
  // a text filter: encounter id or MRN prefix, or the start of the patient's name (found first, at most 500 patients)
  let qPatients: number[] | undefined;
  let qPrefix: string | undefined;
  if (f.q) {
    qPrefix = f.q.trim();
    const prefixes = [...new Set([qPrefix, qPrefix.charAt(0).toUpperCase() + qPrefix.slice(1)])];
    // prefix ranges use the indexes on mrn and name
    const pats = await k
      .selectFrom('patients')
      .select('id')
      .where((eb) => eb.or(prefixes.flatMap((x) => [eb.and([eb('mrn', '>=', x), eb('mrn', '<', `${x}\uffff`)]), eb.and([eb('name', '>=', x), eb('name', '<', `${x}\uffff`)])])))
      .limit(500)
      .execute();
    qPatients = pats.map((p) => Number(p.id));
  }
  const base = () => {
    let q = k.selectFrom('encounters as e');
    if (f.setting) q = q.where('e.setting', '=', f.setting);
    if (f.coder === 'me') q = q.where((eb) => eb.or([eb('e.assigned_to', '=', user.id), eb('e.finalized_by', '=', user.id)]));
    else if (f.coder === 'unassigned') q = q.where('e.assigned_to', 'is', null);
    else if (typeof f.coder === 'number') q = q.where((eb) => eb.or([eb('e.assigned_to', '=', f.coder as number), eb('e.finalized_by', '=', f.coder as number)]));
    if (f.from) q = q.where('e.service_from', '>=', f.from);
    if (f.to) q = q.where('e.service_from', '<=', f.to);
    if (qPrefix !== undefined) {
      const prefix = qPrefix;
      const ids = qPatients ?? [];
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('e.external_id', '>=', prefix), eb('e.external_id', '<', `${prefix}\uffff`)]),
          ...(ids.length ? [eb('e.patient_id', 'in', ids)] : []),
        ]),
      );
    }
    return q;
  };
  const cursor = f.after ? decodeCursor(f.after) : undefined;
  const coderId = f.coder === 'me' ? user.id : typeof f.coder === 'number' ? f.coder : undefined;
  // The page's ids come from encounters alone, newest first: every filter then reads one index range already
  // in page order (joined with patients and users in one query, SQLite's planner could walk another index and
  // sort every match); the joins read only the page's rows, in one query with them.
  const newestQuery = (q: ReturnType<typeof base>) => {
    if (f.status) q = q.where('e.status', '=', f.status);
    if (cursor) q = q.where((eb) => eb.or([eb('e.service_from', '<', cursor.from), eb.and([eb('e.service_from', '=', cursor.from), eb('e.id', '<', cursor.id)])]));
    return q.select(['e.id', 'e.service_from']).orderBy('e.service_from', 'desc').orderBy('e.id', 'desc').limit(f.limit + 1);
  };
  // the page's ids: the newest of one filter (a derived table, read before the joins on both databases),
  // or of a coder's two index ranges ("assigned to or finalized by": the planner would otherwise walk the
  // status index backwards through every encounter of a coder with few)
  const coderPageIds = async (id: number): Promise<number[]> => {
    const [assigned, finalized] = await Promise.all([newestQuery(base().where('e.assigned_to', '=', id)).execute(), newestQuery(base().where('e.finalized_by', '=', id)).execute()]);
    const both = new Map<number, string>();
    for (const r of [...assigned, ...finalized]) both.set(Number(r.id), r.service_from);
    return [...both].sort((a, b) => (a[1] === b[1] ? b[0] - a[0] : a[1] < b[1] ? 1 : -1)).slice(0, f.limit + 1).map(([id]) => id);
  };
  const pageRows = async () => {
    const ids = coderId === undefined ? undefined : await coderPageIds(coderId);
    if (ids?.length === 0) return [];
    const from = ids ? k.selectFrom('encounters').select(['id', 'service_from']).where('id', 'in', ids).as('page') : newestQuery(base()).as('page');
    return k
      .selectFrom(from)
      .innerJoin('encounters as e', 'e.id', 'page.id')
      .innerJoin('patients as p', 'p.id', 'e.patient_id')
      .leftJoin('users as a', 'a.id', 'e.assigned_to')
      .leftJoin('users as fb', 'fb.id', 'e.finalized_by')
      .select([
        'e.id', 'e.external_id', 'e.setting', 'e.service_from', 'e.service_to', 'e.provider', 'e.payer', 'e.status', 'e.version', 'e.updated_at',
        'e.assigned_to', 'a.display_name as assigned_name', 'e.finalized_by', 'fb.display_name as finalized_name', 'p.mrn', 'p.name as patient_name',
      ])
      .orderBy('page.service_from', 'desc')
      .orderBy('page.id', 'desc')
      .execute();
  };
  // counts under a date, text or coder filter are counted from the encounters' indexes; the others are kept in encounter_counts
  const kept = !f.from && !f.to && qPrefix === undefined && (f.coder === undefined || f.coder === 'unassigned');
  const countNow = async () => {
    const counts: Record<string, number> = {};
    for (const r of await base().select(['e.status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('e.status').execute()) counts[r.status] = Number(r.n);
    return counts;
  };
  // the page and the counts on two connections at once (PostgreSQL); SQLite runs them one after the other
  const [rows, counts] = await Promise.all([pageRows(), kept ? statusCounts(ctx.db, { ...(f.setting ? { setting: f.setting } : {}), unassigned: f.coder === 'unassigned' }) : countNow()]);
  const total = f.status ? (counts[f.status] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
  const items: EncounterSummary[] = rows.slice(0, f.limit).map((r) => ({
    id: Number(r.id), externalId: r.external_id, patient: { mrn: r.mrn, name: r.patient_name }, setting: r.setting, serviceFrom: r.service_from, serviceTo: r.service_to,
    provider: r.provider, payer: r.payer, status: r.status, version: Number(r.version), updatedAt: r.updated_at,
    assignedTo: r.assigned_to ? { id: Number(r.assigned_to), name: r.assigned_name ?? '' } : null,
    finalizedBy: r.finalized_by ? { id: Number(r.finalized_by), name: r.finalized_name ?? '' } : null,
  }));
  const last = items[items.length - 1];
  return { items, next: rows.length > f.limit && last ? encodeCursor(last.serviceFrom, last.id) : null, counts, total };
}

export async function encounterRow(ctx: AppContext | { db: AppContext['db'] }, id: number, trx?: Transaction<Database>) {
  const q = trx ?? ctx.db.kysely;
  const e = await q.selectFrom('encounters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!e) throw notFound(`encounter ${id}`);
  return { ...e, id: Number(e.id), version: Number(e.version), patient_id: Number(e.patient_id), assigned_to: e.assigned_to === null ? null : Number(e.assigned_to), finalized_by: e.finalized_by === null ? null : Number(e.finalized_by) };
}

const parse = <T>(s: string | null, fallback: T): T => {
  if (s === null) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

/** The full encounter view. Reading it logs one "document.read" trail entry per document. */
export async function encounterDetail(ctx: AppContext, user: SessionUser, id: number): Promise<EncounterDetail> {
  const k = ctx.db.kysely;
  const e = await k
    .selectFrom('encounters as e')
    .innerJoin('patients as p', 'p.id', 'e.patient_id')
    .leftJoin('users as a', 'a.id', 'e.assigned_to')
    .leftJoin('users as fb', 'fb.id', 'e.finalized_by')
    .selectAll('e')
    .select(['p.mrn', 'p.name as patient_name', 'a.display_name as assigned_name', 'fb.display_name as finalized_name'])
    .where('e.id', '=', id)
    .executeTakeFirst();
  if (!e) throw notFound(`encounter ${id}`);
  const [documents, suggestions, finalCodes, edits, queries] = await Promise.all([
    k.selectFrom('documents').selectAll().where('encounter_id', '=', id).orderBy('id').execute(),
    k.selectFrom('suggestions').selectAll().where('encounter_id', '=', id).orderBy('sequence').orderBy('id').execute(),
    k.selectFrom('final_codes').selectAll().where('encounter_id', '=', id).orderBy('sequence').execute(),
    k.selectFrom('edit_findings').selectAll().where('encounter_id', '=', id).orderBy('id').execute(),
    k.selectFrom('provider_queries as q').innerJoin('users as u', 'u.id', 'q.created_by').selectAll('q').select('u.display_name as creator').where('q.encounter_id', '=', id).orderBy('q.id').execute(),
  ]);
  await appendTrail(ctx.db, documents.map((d) => ({ userId: user.id, username: user.username, action: 'document.read', entity: 'document', entityId: Number(d.id), detail: { encounterId: id } })));
  return {
    encounter: {
      id: Number(e.id), externalId: e.external_id, patient: { mrn: e.mrn, name: e.patient_name }, setting: e.setting, serviceFrom: e.service_from, serviceTo: e.service_to,
      provider: e.provider, payer: e.payer, status: e.status, version: Number(e.version), updatedAt: e.updated_at,
      assignedTo: e.assigned_to ? { id: Number(e.assigned_to), name: e.assigned_name ?? '' } : null,
      finalizedBy: e.finalized_by ? { id: Number(e.finalized_by), name: e.finalized_name ?? '' } : null,
      codedAt: e.coded_at, codingEngine: e.coding_engine, codingError: e.coding_error, finalizedAt: e.finalized_at,
    },
    documents: documents.map((d) => ({ id: Number(d.id), title: d.title, kind: d.kind, mime: d.mime, textSource: d.text_source, ocrConfidence: d.ocr_confidence === null ? null : Number(d.ocr_confidence), text: d.text })),
    suggestions: suggestions.map((s) => ({
      id: Number(s.id), system: s.system, code: s.code, title: s.title, kind: s.kind, sequence: s.sequence === null ? null : Number(s.sequence), confidence: Number(s.confidence),
      rationale: s.rationale, evidence: parse(s.evidence, []), status: s.status, rejectReason: s.reject_reason, suppressReason: s.suppress_reason, poa: s.poa, details: parse(s.details, null),
    })),
    finalCodes: finalCodes.map((c) => ({ id: Number(c.id), system: c.system, code: c.code, title: c.title, kind: c.kind, sequence: Number(c.sequence), poa: c.poa, suggestionId: c.suggestion_id === null ? null : Number(c.suggestion_id) })),
    edits: edits.map((x) => ({ id: Number(x.id), rule: x.rule, severity: x.severity, message: x.message, codes: parse(x.codes, []), fixes: parse(x.fixes, []), status: x.status, layer: x.layer, advice: x.advice, source: x.source })),
    queries: queries.map((q) => ({ id: Number(q.id), encounterId: id, code: q.code, question: q.question, status: q.status, createdBy: q.creator, createdAt: q.created_at, answer: q.answer, answeredAt: q.answered_at, closedAt: q.closed_at })),
  };
}

/** The raw count of encounters (benchmarks and health). */
export async function encounterCount(ctx: AppContext): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from encounters`.execute(ctx.db.kysely);
  return Number(r.rows[0]?.n ?? 0);
}
