import type { FastifyRequest } from 'fastify';
import { invalidRequest, OAuthError } from '../../errors/oauth-error.js';
import { readForm } from '../../http/form.js';

/**
 * The bearer token of a request (RFC 6750 2.1 header, or 2.2 form body on POST). Tokens in the URL
 * are refused (they end up in logs and histories); two methods at once are invalid_request.
 */
export function readBearerToken(request: FastifyRequest, issuer: string): string {
  return readAccessToken(request, issuer).token;
}

/** The access token and its scheme: `Bearer` (header or body), or `DPoP` (header, RFC 9449 7.1). */
export function readAccessToken(request: FastifyRequest, issuer: string): { token: string; scheme: 'Bearer' | 'DPoP' } {
  let scheme: 'Bearer' | 'DPoP' = 'Bearer';
  const query = request.query as Record<string, unknown> | undefined;
  if (query && Object.hasOwn(query, 'access_token')) {
    throw invalidRequest('send the access token in the Authorization header, never in the URL');
  }
  const header = request.headers.authorization;
  let fromHeader: string | undefined;
  if (header !== undefined) {
    const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match) {
      throw new OAuthError('invalid_token', 'the Authorization header must be "Bearer <access token>"', {
        status: 401,
        wwwAuthenticate: `Bearer realm="${issuer}", error="invalid_token", error_description="the Authorization header must be 'Bearer <access token>'"`,
      });
    }
    fromHeader = match[2];
    if (match[1]!.toLowerCase() === 'dpop') scheme = 'DPoP';
  }
  let fromBody: string | undefined;
  const isForm = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(String(request.headers['content-type'] ?? ''));
  // a POST body is read for the token only when it is a form, or when the header carries no token
  if (request.method === 'POST' && (isForm || fromHeader === undefined)) {
    const form = readForm(request, { bodyOptional: true });
    fromBody = form.get('access_token');
  }
  if (fromHeader !== undefined && fromBody !== undefined) {
    throw invalidRequest('send the access token once: in the Authorization header or in the body, not both');
  }
  const token = fromHeader ?? fromBody;
  if (token === undefined) {
    // RFC 6750 3.1: no error code when the request carried no authentication at all
    throw new OAuthError('invalid_token', 'an access token is required: send it as "Authorization: Bearer <token>"', {
      status: 401,
      wwwAuthenticate: `Bearer realm="${issuer}"`,
    });
  }
  return { token, scheme };
}
