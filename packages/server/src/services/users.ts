/** Users and the first administrator. */
import type { AppContext } from '../context.js';
import type { Db } from '../db/connect.js';
import { now } from '../db/connect.js';
import type { Role } from '../db/schema.js';
import { appendTrail } from '../audit/trail.js';
import { hashPassword, oneTimePassword } from '../auth/passwords.js';
import { conflict, notFound } from '../errors.js';
import type { SessionUser } from '../auth/session.js';
import type { UserOut } from '../api/schemas.js';

export function userOut(u: { id: number | string; username: string; display_name: string; role: Role; active: number | boolean }): UserOut {
  return { id: Number(u.id), username: u.username, displayName: u.display_name, role: u.role, active: !!Number(u.active) };
}

export async function createUser(db: Db, actor: SessionUser | null, body: { username: string; displayName: string; role: Role; password: string }): Promise<UserOut> {
  const exists = await db.kysely.selectFrom('users').select('id').where('username', '=', body.username).executeTakeFirst();
  if (exists) throw conflict(`user ${body.username} exists`, { field: 'body.username', code: 'DUPLICATE' });
  const password_hash = await hashPassword(body.password);
  return db.kysely.transaction().execute(async (trx) => {
    const u = await trx.insertInto('users').values({ username: body.username, display_name: body.displayName, role: body.role, password_hash, active: 1, created_at: now() }).returningAll().executeTakeFirstOrThrow();
    await appendTrail(db, { userId: actor?.id ?? null, username: actor?.username ?? 'system', action: 'user.create', entity: 'user', entityId: Number(u.id), detail: { username: u.username, role: u.role } }, trx);
    return userOut(u);
  });
}

export async function updateUser(ctx: AppContext, actor: SessionUser, id: number, body: { displayName?: string | undefined; role?: Role | undefined; active?: boolean | undefined; password?: string | undefined }): Promise<UserOut> {
  const u = await ctx.db.kysely.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!u) throw notFound(`user ${id}`);
  const set: Record<string, unknown> = {};
  if (body.displayName !== undefined) set['display_name'] = body.displayName;
  if (body.role !== undefined) set['role'] = body.role;
  if (body.active !== undefined) set['active'] = body.active ? 1 : 0;
  if (body.password !== undefined) set['password_hash'] = await hashPassword(body.password);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const r = await trx.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    if (body.active === false || body.password !== undefined || body.role !== undefined) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await appendTrail(ctx.db, { userId: actor.id, username: actor.username, action: 'user.update', entity: 'user', entityId: id, detail: { ...body, password: body.password ? '(changed)' : undefined } }, trx);
    return userOut(r);
  });
}

/**
 * Make sure an administrator exists: from MEDCODER_ADMIN_USER /
 * MEDCODER_ADMIN_PASSWORD when set, else "admin" with a one-time password
 * that is returned (and printed once by the caller).
 */
export async function ensureAdmin(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<{ created: boolean; username?: string; password?: string; fromEnv?: boolean }> {
  const any = await db.kysely.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
  if (any) return { created: false };
  const username = env['MEDCODER_ADMIN_USER'] ?? 'admin';
  const fromEnv = !!env['MEDCODER_ADMIN_PASSWORD'];
  const password = env['MEDCODER_ADMIN_PASSWORD'] ?? oneTimePassword();
  await createUser(db, null, { username, displayName: 'Administrator', role: 'admin', password });
  return fromEnv ? { created: true, username, fromEnv } : { created: true, username, password, fromEnv };
}
