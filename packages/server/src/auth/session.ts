/**
 * Sessions: a random token in an httpOnly, SameSite=Strict cookie; only its
 * sha256 is stored. Each session has a CSRF token that every state-changing
 * request must echo in the X-CSRF-Token header. Every /api route declares a
 * permission (or `public`), checked before its handler.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CompiledQuery, type InferResult } from 'kysely';
import type { AppContext } from '../context.js';
import { now } from '../db/connect.js';
import type { Role } from '../db/schema.js';
import { HttpProblem } from '../errors.js';
import { allowed, type Permission } from './permissions.js';

export const SESSION_COOKIE = 'medcoder_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: SessionUser;
    sessionId?: string;
    csrfToken?: string;
  }
  interface FastifyContextConfig {
    /** the permission a route requires */
    permission?: Permission;
    /** open to anyone (login, health, docs) */
    public?: boolean;
  }
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function createSession(ctx: AppContext, userId: number): Promise<{ token: string; csrfToken: string; expires: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expires = new Date(Date.now() + ctx.config.sessionHours * 3600_000);
  await ctx.db.kysely.insertInto('sessions').values({ id: tokenHash(token), user_id: userId, csrf_token: csrfToken, created_at: now(), expires_at: expires.toISOString() }).execute();
  return { token, csrfToken, expires };
}

export async function destroySession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Installs session loading, CSRF and permission checks. */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const cfg = (route.config ?? {}) as { permission?: Permission; public?: boolean };
    if (!cfg.public && !cfg.permission) throw new Error(`route ${route.method} ${route.url} declares no permission`);
  });

  // every /api request reads its session: the query is built and compiled once
  const sessionSelect = ctx.db.kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as sid', 'sessions.csrf_token', 'sessions.expires_at', 'users.id', 'users.username', 'users.display_name', 'users.role', 'users.active'])
    .where('sessions.id', '=', '');
  type SessionRow = InferResult<typeof sessionSelect>[number];
  const sessionQuery = sessionSelect.compile();
  if (sessionQuery.parameters.length !== 1) throw new Error('the session query takes one parameter, the token hash');

  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const { rows } = await ctx.db.kysely.executeQuery(CompiledQuery.raw(sessionQuery.sql, [tokenHash(token)]) as CompiledQuery<SessionRow>);
    const row = rows[0];
    if (!row || row.expires_at < now() || !row.active) return;
    req.user = { id: Number(row.id), username: row.username, displayName: row.display_name, role: row.role };
    req.sessionId = row.sid;
    req.csrfToken = row.csrf_token;
  });

  app.addHook('preValidation', async (req) => {
    const cfg = req.routeOptions.config as { permission?: Permission; public?: boolean };
    if (!req.url.startsWith('/api/') || cfg.public) return;
    if (!req.user) throw new HttpProblem(401, 'Unauthorized', 'log in first', { code: 'UNAUTHENTICATED' });
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !req.csrfToken || !sameToken(sent, req.csrfToken)) {
        throw new HttpProblem(403, 'Forbidden', `missing or wrong ${CSRF_HEADER} header`, { code: 'CSRF', field: `headers.${CSRF_HEADER}` });
      }
    }
    if (cfg.permission && !allowed(req.user.role, cfg.permission)) {
      throw new HttpProblem(403, 'Forbidden', `a ${req.user.role} may not do this (needs ${cfg.permission})`, { code: 'ROLE', permission: cfg.permission });
    }
  });
}

export function currentUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw new HttpProblem(401, 'Unauthorized', 'log in first', { code: 'UNAUTHENTICATED' });
  return req.user;
}
