import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../errors/oauth-error.js';
import type { FormParams } from '../context.js';

/**
 * Reads an application/x-www-form-urlencoded body. Any other body (JSON included) and repeated
 * parameters are `invalid_request` (RFC 6749 3.2, 3.1).
 */
export function readForm(request: FastifyRequest, options: { bodyOptional?: boolean } = {}): FormParams {
  const contentType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === '' && options.bodyOptional && isEmptyBody(request)) return new Map();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw invalidRequest(
      `the request body must be application/x-www-form-urlencoded${contentType ? `, not ${contentType}` : ''}`,
    );
  }
  const body = request.body;
  const params = new Map<string, string>();
  if (body === undefined || body === null) return params;
  if (typeof body !== 'object') throw invalidRequest('the request body is malformed');
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw invalidRequest(`the parameter ${safeName(name)} must not be repeated`);
    if (typeof value !== 'string') throw invalidRequest('the request body is malformed');
    if (value !== '') params.set(name, value);
  }
  return params;
}

function isEmptyBody(request: FastifyRequest): boolean {
  return request.body === undefined || request.body === null || request.body === '';
}

/** A parameter name as it may appear in an error description. */
function safeName(name: string): string {
  return /^[\w.-]{1,64}$/.test(name) ? name : '(unnamed)';
}
