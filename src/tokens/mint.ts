import type { AppContext } from '../context.js';
import { accessTokenClaims, idTokenClaims, type TokenGrant } from '../domain/token-claims.js';
import { randomId } from './opaque.js';
import { leftHalfHash, signCompactRs256 } from './jws.js';

export interface MintedTokens {
  accessToken: string;
  jti: string;
  /** epoch milliseconds */
  accessExpiresAt: number;
  expiresIn: number;
  idToken: string | undefined;
}

/**
 * Signs the access token (RFC 9068, typ at+jwt) and, when `openid` was granted, the ID token, both with
 * the current key. The ID token's at_hash needs the access token, so they sign one after the other, but
 * concurrent requests sign in parallel on the thread pool.
 */
export async function mintTokens(
  ctx: AppContext,
  grant: TokenGrant,
  options: { lifetime: number; nonce: string | null },
): Promise<MintedTokens> {
  const key = await ctx.keys.current();
  const iat = Math.floor(ctx.now() / 1000);
  const jti = randomId();
  const claims = accessTokenClaims(grant, {
    issuer: ctx.config.issuer,
    audiences: ctx.config.apiAudiences,
    jti,
    iat,
    lifetime: options.lifetime,
  });
  const accessToken = await signCompactRs256({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, claims, key.privateKey);
  let idToken: string | undefined;
  if (grant.scope.includes('openid')) {
    const idClaims = idTokenClaims(grant, {
      issuer: ctx.config.issuer,
      iat,
      lifetime: options.lifetime,
      nonce: options.nonce,
      atHash: leftHalfHash(accessToken),
    });
    idToken = await signCompactRs256({ alg: key.alg, typ: 'JWT', kid: key.kid }, idClaims, key.privateKey);
  }
  return { accessToken, jti, accessExpiresAt: claims.exp * 1000, expiresIn: options.lifetime, idToken };
}
