import { compactVerify, createLocalJWKSet, type JWTPayload } from 'jose';
import type { KeyRing } from '../keys/key-ring.js';
import { SIGNING_ALGS } from '../domain/signing-alg.js';

export interface VerifiedIdTokenHint {
  subject: string;
  /** the audiences (client ids) the ID token was issued to */
  audiences: string[];
  sid: string | null;
}

/**
 * Verifies an ID token previously issued by this server (as id_token_hint): signature against our
 * published keys, under the algorithm each key is published with (RS256, ES256 or EdDSA: never `none`
 * or an HMAC), and `iss`. Expiry is deliberately not checked (a hint may be an old ID token).
 * Returns undefined for anything that is not such a token.
 */
export async function verifyIdTokenHint(
  token: string,
  keys: KeyRing,
  issuer: string,
): Promise<VerifiedIdTokenHint | undefined> {
  if (token.length > 8192) return undefined;
  try {
    // jose only picks a key whose published `alg` equals the token's
    const jwks = createLocalJWKSet(await keys.jwks());
    const { payload, protectedHeader } = await compactVerify(token, jwks, { algorithms: [...SIGNING_ALGS] });
    if (protectedHeader.typ !== undefined && protectedHeader.typ.toLowerCase() === 'at+jwt') return undefined;
    const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload & { sid?: unknown };
    if (claims.iss !== issuer || typeof claims.sub !== 'string' || claims.sub === '') return undefined;
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    if (audiences.length === 0 || audiences.some((a) => typeof a !== 'string')) return undefined;
    return { subject: claims.sub, audiences, sid: typeof claims.sid === 'string' ? claims.sid : null };
  } catch {
    return undefined;
  }
}
