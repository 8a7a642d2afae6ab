/**
 * The web app's only way to the server: typed calls over the HTTP API. Types
 * come from the server's zod schemas (@medcoder/server/api), so the two
 * cannot disagree about a field.
 */
import type {
  AccuracyOut, AuditOut, ClaimReadinessOut, DashboardOut, EncounterDetail, Problem, QueryOut, SearchOut, SessionOut, UserOut, WorklistOut,
} from '@medcoder/server/api';

export type { AccuracyOut, AuditOut, ClaimReadinessOut, DashboardOut, EncounterDetail, QueryOut, SearchOut, SessionOut, UserOut, WorklistOut };
export type Suggestion = EncounterDetail['suggestions'][number];
export type FinalCode = EncounterDetail['finalCodes'][number];
export type EditFinding = EncounterDetail['edits'][number];
export type Doc = EncounterDetail['documents'][number];

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Partial<Problem> & Record<string, unknown>) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

let csrfToken = '';
export const setCsrf = (t: string) => {
  csrfToken = t;
};

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const r = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!r.ok) throw new ApiError(r.status, (data ?? {}) as Problem);
  return data as T;
}

const qs = (params: Record<string, string | number | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

type V = { version: number };

export const api = {
  session: () => call<SessionOut>('GET', '/api/auth/session'),
  login: (username: string, password: string) => call<SessionOut>('POST', '/api/auth/login', { username, password }),
  logout: () => call<{ ok: true }>('POST', '/api/auth/logout', {}),
  users: () => call<UserOut[]>('GET', '/api/users'),
  createUser: (b: { username: string; displayName: string; role: string; password: string }) => call<UserOut>('POST', '/api/users', b),
  updateUser: (id: number, b: { displayName?: string; role?: string; active?: boolean; password?: string }) => call<UserOut>('PATCH', `/api/users/${id}`, b),
  worklist: (f: { status?: string | null; setting?: string | null; coder?: string | null; from?: string; to?: string; q?: string; after?: string | null; limit?: number }) =>
    call<WorklistOut>('GET', `/api/encounters${qs(f)}`),
  encounter: (id: number) => call<EncounterDetail>('GET', `/api/encounters/${id}`),
  claim: (id: number) => call<ClaimReadinessOut>('GET', `/api/encounters/${id}/claim`),
  /** download addresses (the browser sends the session cookie) */
  claimFile: (id: number, form: '837' | 'cms1500') => `/api/encounters/${id}/claim/${form}`,
  accept: (id: number, sid: number, b: V & { poa?: string }) => call<V>('POST', `/api/encounters/${id}/suggestions/${sid}/accept`, b),
  reject: (id: number, sid: number, b: V & { reason: string }) => call<V>('POST', `/api/encounters/${id}/suggestions/${sid}/reject`, b),
  addCode: (id: number, b: V & { system: string; code: string; poa?: string }) => call<V>('POST', `/api/encounters/${id}/codes`, b),
  updateCode: (id: number, codeId: number, b: V & { code?: string; poa?: string | null }) => call<V>('PATCH', `/api/encounters/${id}/codes/${codeId}`, b),
  removeCode: (id: number, codeId: number, version: number) => call<V>('DELETE', `/api/encounters/${id}/codes/${codeId}?version=${version}`),
  sequence: (id: number, b: V & { order: number[] }) => call<V>('POST', `/api/encounters/${id}/sequence`, b),
  runEdits: (id: number, b: V) => call<V>('POST', `/api/encounters/${id}/edits`, b),
  fix: (id: number, findingId: number, b: V & { fix: number }) => call<V>('POST', `/api/encounters/${id}/edits/${findingId}/fix`, b),
  finalize: (id: number, b: V) => call<V>('POST', `/api/encounters/${id}/finalize`, b),
  reopen: (id: number, b: V & { reason: string }) => call<V>('POST', `/api/encounters/${id}/reopen`, b),
  createQuery: (id: number, b: { code?: string; question: string }) => call<{ id: number }>('POST', `/api/encounters/${id}/queries`, b),
  queries: (f: { status?: string | null }) => call<QueryOut[]>('GET', `/api/queries${qs(f)}`),
  answerQuery: (qid: number, answer: string) => call<{ ok: true }>('POST', `/api/queries/${qid}/answer`, { answer, addToDocuments: true }),
  closeQuery: (qid: number) => call<{ ok: true }>('POST', `/api/queries/${qid}/close`, {}),
  search: (q: string, system: string, date?: string) => call<SearchOut>('GET', `/api/codes/search${qs({ q, system, date, limit: 25 })}`),
  lookup: (code: string, system: string, date?: string) => call<{ detail?: { code: string; title: string; billable: boolean; ancestors?: Array<{ code: string; title: string }>; children?: Array<{ code: string; title: string; billable?: boolean }>; notes?: Array<{ kind: string; text: string; from: string }> } }>('GET', `/api/codes/${encodeURIComponent(code)}${qs({ system, date })}`),
  audits: (f: { status?: string | null }) => call<AuditOut[]>('GET', `/api/audits${qs(f)}`),
  sample: (b: { percent?: number; count?: number }) => call<{ created: number }>('POST', '/api/audits/sample', b),
  review: (aid: number, b: { codes: Array<{ system: string; code: string }>; comments?: string }) => call<AuditOut>('POST', `/api/audits/${aid}/review`, b),
  rebut: (aid: number, rebuttal: string) => call<AuditOut>('POST', `/api/audits/${aid}/rebuttal`, { rebuttal }),
  accuracy: () => call<AccuracyOut>('GET', '/api/audits/accuracy'),
  dashboard: () => call<DashboardOut>('GET', '/api/dashboard'),
};
