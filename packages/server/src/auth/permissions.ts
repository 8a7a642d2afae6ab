/**
 * Who may do what. Every route names one permission; the role check runs
 * before the handler. Kept as data so a manager can read it.
 */
import type { Role } from '../db/schema.js';

export const PERMISSIONS = {
  /** worklist, encounter view, documents (every read is logged), code search */
  'encounter.read': ['coder', 'auditor', 'manager', 'admin'],
  /** accept, reject, add, re-sequence, run edits, finalize */
  'encounter.code': ['coder', 'manager'],
  /** the 837 and CMS-1500 of a finalized encounter (every read is logged) */
  'claim.read': ['coder', 'manager', 'admin'],
  /** ingest encounters and documents, re-run coding */
  'encounter.ingest': ['manager', 'admin'],
  /** reopen a finalized encounter */
  'encounter.reopen': ['manager'],
  /** assign encounters to coders */
  'encounter.assign': ['manager'],
  'query.create': ['coder', 'manager'],
  /** record the provider's answer, close a query */
  'query.answer': ['coder', 'manager'],
  /** draw an audit sample */
  'audit.sample': ['manager', 'auditor'],
  /** list audits and their results */
  'audit.read': ['coder', 'auditor', 'manager'],
  /** blind re-code and comments */
  'audit.review': ['auditor'],
  /** a coder answers an audit of their own work */
  'audit.rebut': ['coder'],
  'dashboard.read': ['manager', 'auditor', 'admin'],
  'users.manage': ['admin'],
  'users.list': ['manager', 'admin', 'auditor'],
  'trail.read': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function allowed(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
