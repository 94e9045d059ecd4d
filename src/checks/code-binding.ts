import type { AuthorizationCodeRecord } from '../domain/authorization-code.js';
import type { ClientType } from '../domain/trusted-application.js';
import { isWellFormedVerifier, verifierMatchesChallenge } from './pkce-verifier.js';

/**
 * Why a token request does not match the authorization request its code came from (RFC 6749 4.1.3:
 * the same redirect_uri; RFC 7636 4.6: the PKCE verifier of the challenge, required of public apps),
 * or undefined when it does.
 */
export function codeBindingProblem(
  record: Pick<AuthorizationCodeRecord, 'redirectUri' | 'codeChallenge'>,
  clientType: ClientType,
  redirectUri: string,
  verifier: string | undefined,
): string | undefined {
  if (redirectUri !== record.redirectUri) return 'redirect_uri does not match';
  if (record.codeChallenge !== null) {
    if (verifier === undefined) return 'code_verifier is required: the authorization request sent a code_challenge';
    if (!isWellFormedVerifier(verifier)) {
      return 'PKCE verification failed: code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~';
    }
    if (!verifierMatchesChallenge(verifier, record.codeChallenge)) return 'PKCE verification failed';
    return undefined;
  }
  // RFC 9700 4.8.2: a verifier without a challenge is a PKCE downgrade attempt
  if (verifier !== undefined) return 'code_verifier was sent but the authorization request had no code_challenge';
  if (clientType === 'public') return 'PKCE is required for public apps: the authorization request had no code_challenge';
  return undefined;
}
