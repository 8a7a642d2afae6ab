/**
 * Demo data written by the team: a handful of encounters (packages/server/demo)
 * and one user per role, for a first look at the workstation.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './context.js';
import { oneTimePassword } from './auth/passwords.js';
import { createUser } from './services/users.js';
import { ingestDirectory } from './ingest.js';
import type { Role } from './db/schema.js';

export const DEMO_USERS: Array<{ username: string; displayName: string; role: Role }> = [
  { username: 'coder', displayName: 'Casey Coder', role: 'coder' },
  { username: 'coder2', displayName: 'Robin Reyes', role: 'coder' },
  { username: 'auditor', displayName: 'Alex Auditor', role: 'auditor' },
  { username: 'manager', displayName: 'Morgan Manager', role: 'manager' },
];

export const DEMO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../demo');

/** Add the demo users (sharing one password) and encounters when the database has no encounter yet. */
export async function seedDemo(ctx: AppContext, opts: { password?: string } = {}): Promise<{ seeded: boolean; password?: string; encounters: number }> {
  const any = await ctx.db.kysely.selectFrom('encounters').select('id').limit(1).executeTakeFirst();
  if (any) return { seeded: false, encounters: 0 };
  const password = opts.password ?? process.env['MEDCODER_DEMO_PASSWORD'] ?? oneTimePassword();
  for (const u of DEMO_USERS) {
    const exists = await ctx.db.kysely.selectFrom('users').select('id').where('username', '=', u.username).executeTakeFirst();
    if (!exists) await createUser(ctx.db, null, { ...u, password });
  }
  const report = await ingestDirectory(ctx, DEMO_DIR);
  return { seeded: true, password, encounters: report.created.length };
}
