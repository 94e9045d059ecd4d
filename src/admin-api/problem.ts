import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AdminError } from '../errors/admin-error.js';
import { ConfigError } from '../config/config-error.js';
import { setNoStore } from '../http/security-headers.js';

/** RFC 9457 problem details, with the structured reason of an AdminError. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** a stable code (an AdminError reason, or one of the API's own: `unauthenticated`, `forbidden`, …) */
  reason: string;
  /** the input fields involved */
  fields: string[];
  /** for server errors: the id to look up in the server log */
  requestId?: string;
}

export const PROBLEM_TYPE_PREFIX = 'urn:trustgate:problem:';

/** A refusal of the admin API that is not an AdminError (authentication, authorization, malformed requests). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly options: { fields?: string[]; wwwAuthenticate?: string } = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  500: 'Internal server error',
};

const ADMIN_STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;

export function problemOf(error: unknown): Problem {
  if (error instanceof AdminError) {
    return problem(ADMIN_STATUS[error.code], error.reason, error.message, [...error.fields]);
  }
  if (error instanceof ApiProblem) return problem(error.status, error.reason, error.detail, error.options.fields ?? []);
  if (error instanceof ConfigError) return problem(409, 'configuration', error.message, []);
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_VALIDATION' && Array.isArray(fastifyError.validation)) {
    const first = fastifyError.validation[0];
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const path = `${fastifyError.validationContext ?? 'body'}${first?.instancePath ?? ''}`.replace(/\//g, '.');
    const field = missing ?? first?.instancePath?.split('/').filter(Boolean)[0];
    const detail = missing ? `${path}.${missing} is required` : `${path} ${first?.message ?? 'is invalid'}`;
    return problem(400, 'request_invalid', detail, field ? [field] : []);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const reason = status === 415 ? 'unsupported_media_type' : status === 413 ? 'body_too_large' : 'request_malformed';
    const detail =
      status === 415 ? 'the request body must be application/json' : status === 413 ? 'the request body is too large' : 'the request is malformed';
    return problem(status, reason, detail, []);
  }
  return problem(500, 'server_error', 'the server could not complete the request; the request id names it in the server log', []);
}

function problem(status: number, reason: string, detail: string, fields: string[]): Problem {
  return { type: `${PROBLEM_TYPE_PREFIX}${reason}`, title: TITLES[status] ?? 'Error', status, detail, reason, fields };
}

/** Sends any error as `application/problem+json` (never a stack trace). */
export function sendProblem(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const body = problemOf(error);
  if (body.status >= 500) {
    request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    body.requestId = String(request.id);
  }
  if (error instanceof ApiProblem && error.options.wwwAuthenticate) reply.header('WWW-Authenticate', error.options.wwwAuthenticate);
  setNoStore(reply);
  void ctx;
  // serialized here: the route's response schema would strip the problem's fields
  return reply.code(body.status).type('application/problem+json').serializer((payload: unknown) => JSON.stringify(payload)).send(body);
}
