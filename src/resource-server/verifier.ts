import { errors, jwtVerify, type JWTPayload } from 'jose';
import { BearerError, insufficientScope, invalidToken } from './bearer-error.js';
import { IssuerKeys } from './issuer-keys.js';
import { SIGNING_ALGS, signingAlgList } from '../domain/signing-alg.js';
import { RevocationFeed, type RevocationOptions } from './revocation.js';
import { INACTIVE_DESCRIPTION, IntrospectionCheck } from './introspection.js';

/** How long the key set is cached by default (Trustgate publishes new keys at least this long, plus its JWKS max-age, before they sign). */
export const DEFAULT_JWKS_CACHE_MAX_AGE_SECONDS = 600;

/** Largest access token accepted before any parsing (Trustgate tokens are about 1 KB). */
export const MAX_TOKEN_LENGTH = 8192;

export interface AccessTokenVerifierOptions {
  /** the Trustgate issuer, exactly as in its discovery document, e.g. https://erp.example.com/id */
  issuer: string;
  /** the audience(s) this API answers to; a token must name at least one of them in `aud` */
  audience: string | string[];
  /** tolerated clock difference for exp / nbf / iat, in seconds (default 30, at most 300) */
  clockToleranceSeconds?: number;
  /** skip discovery and fetch keys from this URL */
  jwksUri?: string;
  /** minimum seconds between JWKS refetches caused by an unknown `kid` (default 30) */
  jwksCooldownSeconds?: number;
  /** maximum age of the cached key set in seconds (default 600) */
  jwksCacheMaxAgeSeconds?: number;
  /** HTTP timeout for discovery and JWKS requests in ms (default 5000) */
  httpTimeoutMs?: number;
  /** allow an http issuer that is not a loopback address (development only) */
  allowInsecureHttp?: boolean;
  /** fetch implementation (default: global fetch) */
  fetch?: typeof fetch;
  /** clock in epoch ms (tests) */
  now?: () => number;
  /**
   * How this API learns that a token was revoked before it expired (it needs to be a registered API:
   * `trustgate api create`). `{ feed: { clientId, clientSecret, intervalMs } }` polls the issuer's signed
   * revocation feed (no call per request; refusals within one interval); `{ introspection: { clientId,
   * clientSecret, cacheMs } }` asks the issuer about every token (at most cacheMs late) and also accepts
   * reference (opaque) tokens. Without it, a token is accepted until it expires.
   */
  revocation?: RevocationOptions;
}

/** A verified access token (RFC 9068 claims, typed). */
export interface AccessToken {
  /** the user's stable id (UUID) */
  subject: string;
  clientId: string;
  scopes: string[];
  issuer: string;
  audience: string[];
  /** epoch seconds */
  expiresAt: number;
  issuedAt: number;
  jti: string;
  sid?: string;
  authTime?: number;
  /** 'internal' | 'community' for Trustgate tokens */
  userKind?: string;
  /** every claim as received */
  claims: JWTPayload;
}

export interface AccessTokenVerifier {
  /**
   * Verifies a bearer token and, when `scopes` are given, that it carries all of them.
   * Throws a BearerError (401 invalid_token, 403 insufficient_scope, 503 keys unavailable).
   */
  verify(token: string, options?: { scopes?: string[] }): Promise<AccessToken>;
  /**
   * Reads the revocation feed now (joining a poll in flight) and resolves when done; rejects when the feed
   * could not be read. Resolves at once without a feed. For tests and for a prompt start.
   */
  pollRevocations(): Promise<void>;
  /** Stops polling the revocation feed. */
  close(): void;
}

/**
 * Accepted signature algorithms: those Trustgate signs with (RS256 by default; ES256 and EdDSA when the
 * issuer or the app chose them), each only with a key the issuer publishes for that algorithm. Never
 * `none`, never an HMAC algorithm.
 */
const ALGORITHMS: string[] = [...SIGNING_ALGS];
/** RFC 9068 2.2: required claims of a JWT access token. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const audiences = (Array.isArray(options.audience) ? options.audience : [options.audience]).filter(Boolean);
  if (!options.issuer) throw new TypeError('createAccessTokenVerifier: issuer is required');
  if (audiences.length === 0) throw new TypeError('createAccessTokenVerifier: audience is required');
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  if (!(clockTolerance >= 0 && clockTolerance <= 300)) {
    throw new TypeError('createAccessTokenVerifier: clockToleranceSeconds must be between 0 and 300');
  }
  const now = options.now ?? Date.now;
  const keys = new IssuerKeys({
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    cooldownMs: (options.jwksCooldownSeconds ?? 30) * 1000,
    cacheMaxAgeMs: (options.jwksCacheMaxAgeSeconds ?? DEFAULT_JWKS_CACHE_MAX_AGE_SECONDS) * 1000,
    timeoutMs: options.httpTimeoutMs ?? 5000,
    discoveryRetryMs: 5000,
    allowInsecureHttp: options.allowInsecureHttp ?? false,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now,
  });

  const timeoutMs = options.httpTimeoutMs ?? 5000;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const revocation = options.revocation;
  const feed =
    revocation && 'feed' in revocation
      ? new RevocationFeed(revocation.feed, { issuer: options.issuer, keys, fetch: fetchImpl, now, timeoutMs })
      : undefined;
  const introspection =
    revocation && 'introspection' in revocation
      ? new IntrospectionCheck(revocation.introspection, { issuer: options.issuer, fetch: fetchImpl, now, timeoutMs })
      : undefined;
  feed?.start();

  const withScopes = (accessToken: AccessToken, needed: string[]): AccessToken => {
    const missing = needed.filter((scope) => !accessToken.scopes.includes(scope));
    if (missing.length > 0) throw insufficientScope(needed, missing);
    return accessToken;
  };

  return {
    pollRevocations: () => feed?.poll() ?? Promise.resolve(),
    close: () => feed?.stop(),
    async verify(token, verifyOptions = {}) {
      if (typeof token !== 'string' || token.length === 0) throw invalidToken('the access token is empty');
      if (token.length > MAX_TOKEN_LENGTH) throw invalidToken('the access token is too long');
      if (token.split('.').length !== 3) {
        if (!introspection) throw invalidToken('the access token is malformed: expected a signed JWT');
        // a reference token: only the issuer knows it
        const answer = await introspection.introspect(token);
        if (!answer.active) throw invalidToken(INACTIVE_DESCRIPTION);
        return withScopes(fromIntrospection(answer, options.issuer, audiences), verifyOptions.scopes ?? []);
      }
      const getKey = await keys.getKeyResolver();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms: ALGORITHMS,
          typ: 'at+jwt',
          issuer: options.issuer,
          audience: audiences,
          clockTolerance,
          requiredClaims: REQUIRED_CLAIMS,
          currentDate: new Date(now()),
        }));
      } catch (error) {
        throw describeFailure(error, options.issuer, audiences);
      }
      const accessToken = toAccessToken(payload);
      if (feed) {
        await feed.check({ jti: accessToken.jti, sid: accessToken.sid, subject: accessToken.subject, clientId: accessToken.clientId, issuedAt: accessToken.issuedAt });
      }
      if (introspection && !(await introspection.introspect(token)).active) throw invalidToken(INACTIVE_DESCRIPTION);
      return withScopes(accessToken, verifyOptions.scopes ?? []);
    },
  };
}

/** A reference token as the issuer's introspection described it (the same checks as a JWT's claims). */
function fromIntrospection(answer: Record<string, unknown>, issuer: string, audiences: string[]): AccessToken {
  if (answer.iss !== undefined && answer.iss !== issuer) throw invalidToken(`the access token was not issued by ${issuer}`);
  const aud = Array.isArray(answer.aud) ? answer.aud : [answer.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) {
    throw invalidToken(`the access token is not meant for this API (audience must include "${audiences.join('" or "')}")`);
  }
  const payload = { ...answer, iss: issuer, aud: aud as string[] } as JWTPayload;
  delete (payload as Record<string, unknown>).active;
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw invalidToken('the introspection answer has no "exp" or "iat"');
  return toAccessToken(payload);
}

function toAccessToken(payload: JWTPayload): AccessToken {
  const { sub, client_id: clientId, scope, jti, sid, auth_time: authTime, user_kind: userKind } = payload;
  if (typeof sub !== 'string' || sub === '') throw invalidToken('the access token has no valid "sub" claim');
  if (typeof clientId !== 'string' || clientId === '') throw invalidToken('the access token has no valid "client_id" claim');
  if (typeof jti !== 'string' || jti === '') throw invalidToken('the access token has no valid "jti" claim');
  if (scope !== undefined && typeof scope !== 'string') throw invalidToken('the access token has a malformed "scope" claim');
  return {
    subject: sub,
    clientId,
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    issuer: payload.iss!,
    audience: Array.isArray(payload.aud) ? payload.aud : [payload.aud!],
    expiresAt: payload.exp!,
    issuedAt: payload.iat!,
    jti,
    sid: typeof sid === 'string' ? sid : undefined,
    authTime: typeof authTime === 'number' ? authTime : undefined,
    userKind: typeof userKind === 'string' ? userKind : undefined,
    claims: payload,
  };
}

/** Maps a jose failure onto an RFC 6750 error whose description says what was wrong. */
function describeFailure(error: unknown, issuer: string, audiences: string[]): BearerError {
  if (error instanceof BearerError) return error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'exp'
      ? invalidToken('the access token has expired')
      : invalidToken(`the access token's "${error.claim}" claim is out of range`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return invalidToken(`the access token has no "${error.claim}" claim`);
    switch (error.claim) {
      case 'typ':
        return invalidToken('the token is not an access token (header "typ" must be "at+jwt")');
      case 'iss':
        return invalidToken(`the access token was not issued by ${issuer}`);
      case 'aud':
        return invalidToken(`the access token is not meant for this API (audience must include "${audiences.join('" or "')}")`);
      case 'nbf':
        return invalidToken('the access token is not valid yet ("nbf" is in the future)');
      case 'iat':
        return invalidToken('the access token was issued in the future ("iat")');
      default:
        return invalidToken(`the access token's "${error.claim}" claim is invalid`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalidToken(`the access token is not signed with ${signingAlgList()}`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalidToken('the access token is signed with a key the issuer does not publish');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalidToken('the access token signature is invalid');
  }
  if (error instanceof errors.JOSEError) {
    // JWSInvalid, JWTInvalid, JOSENotSupported: undecodable header or claims
    return invalidToken('the access token is malformed: expected a signed JWT');
  }
  throw error;
}
