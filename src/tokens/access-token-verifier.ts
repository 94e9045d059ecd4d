import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, type JWK } from 'jose';
import type { AppContext } from '../context.js';
import type { AccessTokenClaims } from '../domain/token-claims.js';
import { isSigningAlg } from '../domain/signing-alg.js';
import { isOurAudience } from './audiences.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** Why an access token is refused; the message is safe to show. */
export class AccessTokenRejected extends Error {}

/** The refusal of a token on the deny list (also where the caller reads the deny list itself). */
export const REVOKED = 'the access token was revoked';

/** A minimum pause between two forced key-ring reloads for an unknown `kid`. */
const UNKNOWN_KID_RELOAD_MS = 5_000;
const CLOCK_TOLERANCE_SECONDS = 5;

/** A published key, parsed once, with the one algorithm it verifies. */
interface PublishedKey {
  alg: string;
  key: KeyObject;
}

/**
 * Verifies access tokens this server signed (RFC 9068): signed with a published key (the current one, or
 * a replaced one still published after a rotation) under that key's own algorithm (RS256, ES256 or
 * EdDSA; never `none` or an HMAC), typ at+jwt, our issuer, one of our API audiences (API_AUDIENCE or a
 * registered API), not expired, and
 * not on the revocation deny list.
 */
export class AccessTokenVerifier {
  private readonly publicKeys = new Map<string, PublishedKey>();
  private lastForcedReload = -Infinity;
  private readonly verified = new VerifiedTokenCache<AccessTokenClaims>(CLOCK_TOLERANCE_SECONDS);

  constructor(private readonly ctx: AppContext) {}

  async verify(token: string, options: { checkDenyList?: boolean } = {}): Promise<AccessTokenClaims> {
    const claims = await this.verifySignatureAndClaims(token);
    if (options.checkDenyList !== false && (await this.ctx.store.revokedTokens.isRevoked(claims.jti))) {
      throw new AccessTokenRejected(REVOKED);
    }
    return claims;
  }

  /** Signature, header and claims only (no deny-list lookup). */
  async verifySignatureAndClaims(token: string): Promise<AccessTokenClaims> {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new AccessTokenRejected('the access token is malformed');
    const seen = this.verified.get(token, this.ctx.now());
    if (seen) {
      // its signature was verified before: what can change during its life is checked again
      if (!(await this.findPublished(seen.kid))) throw new AccessTokenRejected('the access token was not signed by a key of this server');
      if (!(await isOurAudience(this.ctx, seen.claims.aud))) throw new AccessTokenRejected('the access token is not meant for this server (aud)');
      return { ...seen.claims };
    }
    let kid: unknown;
    try {
      const header = decodeProtectedHeader(token);
      kid = header.kid;
      if (header.typ !== 'at+jwt') throw new AccessTokenRejected('the token is not an access token (typ must be at+jwt)');
    } catch (error) {
      if (error instanceof AccessTokenRejected) throw error;
      throw new AccessTokenRejected('the access token is malformed');
    }
    if (typeof kid !== 'string') throw new AccessTokenRejected('the access token has no key id (kid)');
    const published = await this.publicKey(kid);
    if (!published) throw new AccessTokenRejected('the access token was not signed by a key of this server');
    try {
      const { payload } = await jwtVerify(token, published.key, {
        algorithms: [published.alg],
        typ: 'at+jwt',
        issuer: this.ctx.config.issuer,
        currentDate: new Date(this.ctx.now()),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'scope', 'aud'],
      });
      if (!(await isOurAudience(this.ctx, payload.aud))) throw new AccessTokenRejected('the access token is not meant for this server (aud)');
      const claims = payload as unknown as AccessTokenClaims;
      this.verified.add(token, kid, { ...claims });
      return claims;
    } catch (error) {
      if (error instanceof AccessTokenRejected) throw error;
      throw new AccessTokenRejected(describe(error));
    }
  }

  private async publicKey(kid: string): Promise<PublishedKey | undefined> {
    // the published set decides (a key past its publication window stops validating); the parsed key is cached
    let jwk = await this.findPublished(kid);
    const cached = jwk ? this.publicKeys.get(kid) : undefined;
    if (cached) return cached;
    if (!jwk && this.ctx.now() - this.lastForcedReload > UNKNOWN_KID_RELOAD_MS) {
      // a key created by another node since our last reload: read the ring again (rate-limited)
      this.lastForcedReload = this.ctx.now();
      await this.ctx.keys.list();
      jwk = await this.findPublished(kid);
    }
    if (!jwk || !isSigningAlg(jwk.alg)) return undefined;
    const published = { alg: jwk.alg, key: createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }) };
    if (this.publicKeys.size > 100) this.publicKeys.clear();
    this.publicKeys.set(kid, published);
    return published;
  }

  private async findPublished(kid: string): Promise<JWK | undefined> {
    const { keys } = await this.ctx.keys.jwks();
    return keys.find((k) => k.kid === kid);
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the access token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the access token was issued by another issuer';
    if (error.claim === 'aud') return 'the access token is not meant for this server (aud)';
    if (error.claim === 'nbf') return 'the access token is not valid yet (nbf)';
    if (error.claim === 'typ') return 'the token is not an access token (typ must be at+jwt)';
    return `the access token is invalid (${error.claim})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the access token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the access token is not signed with the algorithm of its key (alg)';
  return 'the access token is malformed';
}

const verifiers = new WeakMap<AppContext, AccessTokenVerifier>();

/** The verifier of an app context (one per process, so parsed public keys are reused). */
export function accessTokenVerifier(ctx: AppContext): AccessTokenVerifier {
  let verifier = verifiers.get(ctx);
  if (!verifier) {
    verifier = new AccessTokenVerifier(ctx);
    verifiers.set(ctx, verifier);
  }
  return verifier;
}
