import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { accessTokenOf } from './fastify.js';

/**
 * Trustgate's authentication levels, weakest first: one factor, two factors, two factors of which one
 * is phishing-resistant (a passkey). A token of a stronger level satisfies a weaker requirement.
 */
export const TRUSTGATE_ACR_LEVELS = ['urn:trustgate:acr:pwd', 'urn:trustgate:acr:mfa', 'urn:trustgate:acr:phr'] as const;

export interface RequireAcrOptions {
  /** acceptable `acr` values, e.g. ['urn:trustgate:acr:phr'] (RFC 9470 acr_values, in order of preference) */
  acrValues: string[];
  /** the protection space named in the challenge; the same as createBearerAuth's */
  realm: string;
}

/**
 * Whether an access token's `acr` satisfies the requirement: it is one of the acceptable values, or a
 * Trustgate level at least as strong as the weakest acceptable Trustgate level.
 */
export function acrSatisfies(acr: unknown, acrValues: readonly string[]): boolean {
  if (typeof acr !== 'string') return false;
  if (acrValues.includes(acr)) return true;
  const levels: readonly string[] = TRUSTGATE_ACR_LEVELS;
  const rank = levels.indexOf(acr);
  const needed = acrValues.map((v) => levels.indexOf(v)).filter((r) => r >= 0);
  return rank >= 0 && needed.length > 0 && rank >= Math.min(...needed);
}

const quoteSafe = (value: string) => value.replace(/[\\"]/g, '').replace(/[^\x20-\x7e]/g, '');

/** The RFC 9470 challenge: the app should send the user through /connect/authorize with these acr_values. */
export function insufficientUserAuthenticationChallenge(realm: string, acrValues: readonly string[]): string {
  return (
    `Bearer realm="${quoteSafe(realm)}", error="insufficient_user_authentication", ` +
    `error_description="${quoteSafe(insufficientUserAuthenticationDescription(acrValues))}", acr_values="${quoteSafe(acrValues.join(' '))}"`
  );
}

function insufficientUserAuthenticationDescription(acrValues: readonly string[]): string {
  return `this resource needs a stronger sign-in: request a new token with acr_values=${acrValues.join(' ')}`;
}

/**
 * A preHandler that admits the request only when its access token's `acr` satisfies the requirement (RFC
 * 9470). Put it after `requireScope`, which verifies the token:
 * `{ preHandler: [auth.requireScope('update'), requireAcr({ acrValues: ['urn:trustgate:acr:phr'], realm: 'erp-api' })] }`.
 * Refusal: 401, `WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="…"`.
 */
export function requireAcr(options: RequireAcrOptions): preHandlerAsyncHookHandler {
  if (options.acrValues.length === 0) throw new Error('requireAcr: give at least one acceptable acr value');
  return async function acrPreHandler(request: FastifyRequest, reply: FastifyReply) {
    if (reply.sent) return; // requireScope already refused the request
    const token = accessTokenOf(request);
    if (acrSatisfies(token.claims.acr, options.acrValues)) return;
    request.log.info({ error: 'insufficient_user_authentication', acr: token.claims.acr }, 'access token refused');
    reply.header('WWW-Authenticate', insufficientUserAuthenticationChallenge(options.realm, options.acrValues));
    reply.header('Cache-Control', 'no-store');
    await reply.code(401).send({
      error: 'insufficient_user_authentication',
      error_description: insufficientUserAuthenticationDescription(options.acrValues),
      acr_values: options.acrValues.join(' '),
    });
  };
}
