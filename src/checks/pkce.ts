import { invalidRequest } from '../errors/oauth-error.js';
import type { TrustedApplication } from '../domain/trusted-application.js';

// RFC 7636 4.2: BASE64URL(SHA256(verifier)) is always 43 characters
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export interface PkceRequest {
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
}

/** PKCE at the authorize endpoint: mandatory for public apps, S256 only, well-formed challenge. */
export function checkPkceRequest(
  app: TrustedApplication,
  challenge: string | undefined,
  method: string | undefined,
): PkceRequest {
  if (challenge === undefined) {
    if (method !== undefined) {
      throw invalidRequest('code_challenge_method was sent without code_challenge');
    }
    if (app.clientType === 'public') {
      throw invalidRequest(
        'code_challenge is required for public apps (PKCE, RFC 7636): send code_challenge and code_challenge_method=S256',
      );
    }
    return { codeChallenge: null, codeChallengeMethod: null };
  }
  if (method === undefined) {
    throw invalidRequest('code_challenge_method is required and must be S256 (the plain method is not accepted)');
  }
  if (method !== 'S256') {
    throw invalidRequest(`code_challenge_method "${method}" is not supported: use S256 (the plain method is not accepted)`);
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw invalidRequest(
      'code_challenge is malformed: it must be the 43-character base64url SHA-256 of the code verifier',
    );
  }
  return { codeChallenge: challenge, codeChallengeMethod: 'S256' };
}
