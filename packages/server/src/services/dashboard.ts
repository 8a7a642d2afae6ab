/** Numbers for managers: throughput, suggestion acceptance, audit accuracy, top edits. */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { DashboardOut } from '../api/schemas.js';
import { accuracyByCoder } from './audits.js';

export async function dashboard(ctx: AppContext, days = 30): Promise<DashboardOut> {
  const k = ctx.db.kysely;
  const since = new Date(Date.now() - days * 86400_000).toISOString().slice(0, 10);
  const day = ctx.db.dialect === 'postgres' ? sql<string>`substring(finalized_at from 1 for 10)` : sql<string>`substr(finalized_at, 1, 10)`;
  const perDay = await k.selectFrom('encounters').select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'finalized').where('finalized_at', '>=', since).groupBy(day).orderBy(day).execute();
  const sugg = await k.selectFrom('suggestions').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const s = Object.fromEntries(sugg.map((r) => [r.status, Number(r.n)]));
  const accepted = s['accepted'] ?? 0;
  const rejected = s['rejected'] ?? 0;
  const edits = await k.selectFrom('edit_findings').select(['rule', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('rule').orderBy('n', 'desc').limit(10).execute();
  const status = await k.selectFrom('encounters').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return {
    codedPerDay: perDay.map((r) => ({ day: String(r.day), count: Number(r.n) })),
    acceptance: { accepted, rejected, pending: s['suggested'] ?? 0, rate: accepted + rejected ? accepted / (accepted + rejected) : null },
    accuracy: await accuracyByCoder(ctx),
    topEdits: edits.map((r) => ({ rule: r.rule, count: Number(r.n) })),
    statusCounts: Object.fromEntries(status.map((r) => [r.status, Number(r.n)])),
  };
}
