import type { FastifyRequest } from 'fastify';
import type { FormParams } from '../context.js';
import { invalidClient, invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { decodeJwt } from 'jose';
import { basicChallenge, type ClientCredentials } from '../checks/client-auth.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../checks/client-assertion.js';

/**
 * Reads how a request authenticates its client (RFC 6749 2.3): HTTP Basic or client_secret in the form
 * body, or a signed client assertion (private_key_jwt, RFC 7523 2.2) — exactly one of them — or only
 * client_id (public apps). Checks the form of the credentials, not their truth: that is
 * checks/client-auth against the registered app.
 */
export function readClientCredentials(request: FastifyRequest, form: FormParams, issuer: string): ClientCredentials {
  const basic = readBasic(request.headers.authorization, issuer);
  const assertion = form.get('client_assertion');
  const assertionType = form.get('client_assertion_type');
  if (assertion !== undefined || assertionType !== undefined) return readAssertion(basic !== undefined, form, assertion, assertionType);
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
    assertion: undefined,
    method: secret === undefined ? 'none' : basic ? 'client_secret_basic' : 'client_secret_post',
    challenge: basic ? basicChallenge(issuer) : undefined,
  };
}

/** RFC 7523 2.2: client_assertion_type and client_assertion; client_id is optional (the assertion's `sub`). */
function readAssertion(
  basic: boolean,
  form: FormParams,
  assertion: string | undefined,
  assertionType: string | undefined,
): ClientCredentials {
  if (basic || form.get('client_secret') !== undefined) {
    throw invalidRequest('use one client authentication method: a client assertion was sent together with a client secret');
  }
  if (assertionType === undefined) throw invalidRequest('client_assertion_type is required with client_assertion');
  if (assertion === undefined) throw invalidRequest('client_assertion is required with client_assertion_type');
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE} (private_key_jwt)`);
  }
  const clientId = form.get('client_id') ?? assertionSubject(assertion);
  return { clientId, secret: undefined, assertion, method: 'private_key_jwt', challenge: undefined };
}

/** The app a client assertion names (its `sub`), read unverified: the keys of that app verify it. */
function assertionSubject(assertion: string): string | undefined {
  let subject: unknown;
  try {
    subject = decodeJwt(assertion).sub;
  } catch {
    throw invalidClient('the client assertion is not a signed JWT');
  }
  return typeof subject === 'string' ? subject : undefined;
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
