/**
 * Errors as RFC 9457 problem+json, naming the field at fault. Engine errors
 * (MedcoderError) map by their stable code.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isMedcoderError, type ErrorCode } from '@medcoder/engine';
import { ExtractError } from './documents/extract.js';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extra: { field?: string; code?: string; [k: string]: unknown } = {},
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string, field = 'params.id') => new HttpProblem(404, 'Not found', `${what} not found`, { field });
export const conflict = (detail: string, extra: Record<string, unknown> = {}) => new HttpProblem(409, 'Conflict', detail, { code: 'VERSION_CONFLICT', ...extra });
export const badRequest = (detail: string, field?: string) => new HttpProblem(400, 'Bad request', detail, field ? { field } : {});

const ENGINE_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_DATE: 400,
  INVALID_ARGUMENT: 400,
  UNKNOWN_SYSTEM: 400,
  CODE_NOT_FOUND: 404,
  RELEASE_NOT_FOUND: 404,
  NO_RELEASE_FOR_DATE: 422,
  NO_RELEASES_FOUND: 503,
};

const TYPE_BASE = 'https://medcoder.dev/problems/';

export function sendProblem(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: `${TYPE_BASE}${String(body['title'] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '-')}`, status, ...body });
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: unknown;
}

export function errorHandler(error: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }, req: FastifyRequest, reply: FastifyReply) {
  if (error.validation) {
    const ctx = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => {
      const issue = (v.params as { issue?: { path?: Array<string | number>; message?: string } } | undefined)?.issue;
      const path = issue?.path ?? (v.instancePath ? v.instancePath.split('/').filter(Boolean) : []);
      return { field: [ctx, ...path.map(String)].join('.'), message: issue?.message ?? v.message ?? 'invalid' };
    });
    return sendProblem(reply, 400, { title: 'Invalid request', detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '), field: errors[0]?.field, errors });
  }
  if (error instanceof HttpProblem) {
    return sendProblem(reply, error.status, { title: error.title, detail: error.message, ...error.extra });
  }
  if (isMedcoderError(error)) {
    const status = ENGINE_STATUS[error.code] ?? 500;
    const field = typeof error.details['field'] === 'string' ? (error.details['field'] as string) : undefined;
    return sendProblem(reply, status, { title: error.code, code: error.code, detail: error.message.split('\n')[0], ...(field ? { field } : {}) });
  }
  if (error instanceof ExtractError) {
    return sendProblem(reply, 422, { title: 'Unreadable document', detail: error.message, field: error.field });
  }
  if (error.statusCode && error.statusCode < 500) {
    return sendProblem(reply, error.statusCode, { title: error.code ?? 'Bad request', detail: error.message });
  }
  req.log.error({ err: error }, 'request failed');
  return sendProblem(reply, 500, { title: 'Internal error', detail: 'the server could not complete the request' });
}
