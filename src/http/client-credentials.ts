import type { FastifyRequest } from 'fastify';
import type { FormParams } from '../context.js';
import { invalidClient, invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { basicChallenge, type ClientCredentials } from '../checks/client-auth.js';

/**
 * Reads how a request authenticates its client (RFC 6749 2.3): HTTP Basic or client_secret in the form
 * body (never both), or only client_id (public apps). Checks the form of the credentials, not their
 * truth: that is checks/client-auth against the registered app.
 */
export function readClientCredentials(request: FastifyRequest, form: FormParams, issuer: string): ClientCredentials {
  const basic = readBasic(request.headers.authorization, issuer);
  const bodySecret = form.get('client_secret');
  const bodyClientId = form.get('client_id');
  if (basic && bodySecret !== undefined) {
    throw invalidRequest('use one client authentication method: the client secret was sent both in the Authorization header and in the body');
  }
  if (basic && bodyClientId !== undefined && bodyClientId !== basic.clientId) {
    throw invalidRequest('client_id in the body differs from the client_id in the Authorization header');
  }
  const clientId = basic?.clientId ?? bodyClientId;
  const secret = basic ? basic.secret || undefined : bodySecret;
  return {
    clientId,
    secret,
    method: secret === undefined ? 'none' : basic ? 'client_secret_basic' : 'client_secret_post',
    challenge: basic ? basicChallenge(issuer) : undefined,
  };
}

interface BasicCredentials {
  clientId: string;
  secret: string;
}

/**
 * RFC 6749 2.3.1: client_id and secret are form-urlencoded, then joined by ":" and base64-encoded.
 * Undefined when the request carries no Basic credentials; invalid_client when they are malformed.
 */
function readBasic(header: string | undefined, issuer: string): BasicCredentials | undefined {
  if (!header) return undefined;
  const match = /^Basic +([A-Za-z0-9+/=._~-]*) *$/i.exec(header);
  if (!match) {
    if (/^Basic\b/i.test(header)) throw malformedBasic(issuer);
    return undefined; // another scheme (e.g. Bearer) is not client authentication
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw malformedBasic(issuer);
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw malformedBasic(issuer);
  }
}

function malformedBasic(issuer: string): OAuthError {
  return invalidClient(
    'the Authorization header is not valid Basic credentials (base64 of form-urlencoded client_id ":" client_secret)',
    { wwwAuthenticate: basicChallenge(issuer) },
  );
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
