import { CompactSign } from 'jose';
import type { AppContext } from '../context.js';
import { accessTokenClaims, idTokenClaims, serviceAccessTokenClaims, type TokenGrant } from '../domain/token-claims.js';
import type { User } from '../domain/user.js';
import { tokenSigningAlgs, type TrustedApplication } from '../domain/trusted-application.js';
import type { SigningKey } from '../keys/key-ring.js';
import { randomId } from './opaque.js';
import { atHash } from './token-hash.js';
import { tokenAudiences } from './audiences.js';

export interface MintedTokens {
  accessToken: string;
  jti: string;
  /** epoch milliseconds */
  accessExpiresAt: number;
  expiresIn: number;
  idToken: string | undefined;
}

type MintingApp = Pick<TrustedApplication, 'accessTokenLifetime' | 'accessTokenSigningAlg' | 'idTokenSignedResponseAlg'>;

/**
 * Signs the access token (RFC 9068, typ at+jwt) and, when `openid` was granted, the ID token, each with
 * the current key of the algorithm the app's tokens use (a KeyObject the key ring keeps in memory). jose
 * signs through WebCrypto, which runs on libuv's thread pool, so concurrent requests sign in parallel off
 * the event loop. The ID token's at_hash needs the access token, so the two sign one after the other.
 */
export async function mintTokens(
  ctx: AppContext,
  grant: TokenGrant,
  options: { app: MintingApp; nonce: string | null; dpopJkt?: string | undefined },
): Promise<MintedTokens> {
  const lifetime = options.app.accessTokenLifetime;
  const algs = tokenSigningAlgs(options.app, ctx.config.signingAlg);
  const iat = Math.floor(ctx.now() / 1000);
  const jti = randomId();
  const claims = accessTokenClaims(grant, { issuer: ctx.config.issuer, audiences: await tokenAudiences(ctx, grant.scope), jti, iat, lifetime });
  // RFC 9449 6.1: bound to the key of the DPoP proof
  if (options.dpopJkt) claims.cnf = { jkt: options.dpopJkt };
  const accessToken = await sign(claims, 'at+jwt', await ctx.keys.current(algs.accessToken));
  let idToken: string | undefined;
  if (grant.scope.includes('openid')) {
    const idClaims = idTokenClaims(grant, {
      issuer: ctx.config.issuer,
      iat,
      lifetime,
      nonce: options.nonce,
      atHash: atHash(accessToken, algs.idToken),
    });
    idToken = await sign(idClaims, 'JWT', await ctx.keys.current(algs.idToken));
  }
  return { accessToken, jti, accessExpiresAt: claims.exp * 1000, expiresIn: lifetime, idToken };
}

/** The access token of a service app (client_credentials): no ID token, no refresh token. */
export async function mintServiceAccessToken(
  ctx: AppContext,
  grant: { clientId: string; user: User; scope: readonly string[] },
  app: MintingApp,
  dpopJkt?: string | undefined,
): Promise<Omit<MintedTokens, 'idToken'>> {
  const lifetime = app.accessTokenLifetime;
  const iat = Math.floor(ctx.now() / 1000);
  const jti = randomId();
  const claims = serviceAccessTokenClaims(grant, { issuer: ctx.config.issuer, audiences: ctx.config.apiAudiences, jti, iat, lifetime });
  // RFC 9449 6.1: bound to the key of the DPoP proof
  if (dpopJkt) claims.cnf = { jkt: dpopJkt };
  const accessToken = await sign(claims, 'at+jwt', await ctx.keys.current(tokenSigningAlgs(app, ctx.config.signingAlg).accessToken));
  return { accessToken, jti, accessExpiresAt: claims.exp * 1000, expiresIn: lifetime };
}

const encoder = new TextEncoder();

/**
 * A compact JWS of the claims (RFC 7515, RFC 7519). CompactSign rather than SignJWT: the claims are
 * complete already, and SignJWT's claim handling costs about a tenth of an RS256 signature again.
 */
function sign(claims: object, typ: string, key: SigningKey): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader({ alg: key.alg, typ, kid: key.kid }).sign(key.privateKey);
}
