import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AppContext } from '../context.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import {
  assertionFailure,
  checkAssertionClaims,
  MAX_ASSERTION_LENGTH,
  type VerifiedClientAssertion,
} from '../checks/client-assertion.js';

/** Algorithms a client assertion may be signed with (Ed25519 is the fully specified name of EdDSA). */
export const CLIENT_ASSERTION_SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'] as const;

/** A fetched JWKS is used for this long before it is fetched again. */
const REMOTE_CACHE_MAX_AGE_MS = 10 * 60_000;
/**
 * An assertion whose `kid` is not in the fetched set makes at most one new fetch per this interval and
 * app, and a failed fetch is not retried sooner: unknown kids sent by an attacker cannot make the server
 * fetch the app's keys per request.
 */
export const REMOTE_REFETCH_COOLDOWN_MS = 30_000;
const REMOTE_TIMEOUT_MS = 5_000;
const MAX_REMOTE_SETS = 1_000;

interface RemoteSet {
  uri: string;
  getKey: JWTVerifyGetKey;
  failedAt: number;
}

/**
 * private_key_jwt (RFC 7523 2.2, OpenID Connect Core 9): verifies a client assertion against the app's
 * registered public keys — given by value, or fetched from its JWKS URI (cached; refetched for an unknown
 * key at most once per cool-down) — checks its claims, and uses its `jti` up in the store (atomically,
 * shared by every node). One verifier per app context, so fetched key sets are reused.
 */
export class ClientAssertionVerifier {
  private readonly remote = new Map<string, RemoteSet>();
  private readonly local = new WeakMap<object, JWTVerifyGetKey>();

  constructor(private readonly ctx: AppContext) {}

  async verify(
    app: TrustedApplication,
    assertion: string,
    endpoints: { issuer: string; tokenEndpoint: string },
  ): Promise<VerifiedClientAssertion> {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw assertionFailure('the client assertion is too long');
    try {
      decodeProtectedHeader(assertion);
    } catch {
      throw assertionFailure('the client assertion is not a signed JWT');
    }
    const getKey = this.keysOf(app);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(assertion, getKey, {
        algorithms: [...CLIENT_ASSERTION_SIGNING_ALGS],
        currentDate: new Date(this.ctx.now()),
        // the claims are checked below, with the descriptions integrators troubleshoot with
        clockTolerance: Number.MAX_SAFE_INTEGER,
      }));
    } catch (error) {
      throw this.describe(app, error);
    }
    const { jti, expiresAt } = checkAssertionClaims(payload, { clientId: app.clientId, ...endpoints, now: this.ctx.now() });
    if (!(await this.ctx.store.clientAssertions.useJti(app.clientId, jti, expiresAt, this.ctx.now()))) {
      await this.ctx.audit.record({
        actor: `app:${app.clientId}`,
        action: 'client_assertion_replayed',
        outcome: 'refused',
        target: { type: 'app', id: app.clientId },
        clientId: app.clientId,
        reason: 'the client assertion was already used',
        level: 'warn',
        message: 'client assertion replayed',
      });
      throw assertionFailure('the client assertion was already used (its "jti" was seen before); make a new assertion for every request');
    }
    return Object.freeze({ clientId: app.clientId, jti });
  }

  private keysOf(app: TrustedApplication): JWTVerifyGetKey {
    if (app.jwks) {
      let getKey = this.local.get(app.jwks);
      if (!getKey) {
        getKey = createLocalJWKSet(app.jwks as unknown as JSONWebKeySet);
        this.local.set(app.jwks, getKey);
      }
      return getKey;
    }
    if (!app.jwksUri) throw assertionFailure(`the app "${app.clientId}" has no public keys registered for private_key_jwt`);
    let entry = this.remote.get(app.clientId);
    if (!entry || entry.uri !== app.jwksUri) {
      if (this.remote.size >= MAX_REMOTE_SETS) this.remote.clear();
      entry = {
        uri: app.jwksUri,
        failedAt: -Infinity,
        getKey: createRemoteJWKSet(new URL(app.jwksUri), {
          cacheMaxAge: REMOTE_CACHE_MAX_AGE_MS,
          cooldownDuration: REMOTE_REFETCH_COOLDOWN_MS,
          timeoutDuration: REMOTE_TIMEOUT_MS,
        }),
      };
      this.remote.set(app.clientId, entry);
    }
    const current = entry;
    return async (header, token) => {
      if (this.ctx.now() - current.failedAt < REMOTE_REFETCH_COOLDOWN_MS) throw new KeysUnavailable();
      try {
        return await current.getKey(header, token);
      } catch (error) {
        if (isFetchFailure(error)) {
          current.failedAt = this.ctx.now();
          throw new KeysUnavailable();
        }
        throw error;
      }
    };
  }

  private describe(app: TrustedApplication, error: unknown) {
    if (error instanceof KeysUnavailable) {
      this.ctx.log.warn({ event: 'client_keys_unavailable', clientId: app.clientId, jwksUri: app.jwksUri }, 'could not fetch an app\'s public keys');
      return assertionFailure('the app\'s public keys could not be fetched from its JWKS URI; try again later');
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return assertionFailure('no registered public key of the app matches the client assertion (its "kid" and "alg")');
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return assertionFailure('the client assertion must be signed with RS256, PS256, ES256 or EdDSA');
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return assertionFailure('the client assertion signature is invalid');
    return assertionFailure('the client assertion is not a valid signed JWT');
  }
}

class KeysUnavailable extends Error {}

/** A JWKS URI that did not answer, answered an error or something that is not a JWK Set. */
function isFetchFailure(error: unknown): boolean {
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
    error instanceof TypeError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

const verifiers = new WeakMap<AppContext, ClientAssertionVerifier>();

/** The verifier of an app context (one per process, so fetched key sets are reused). */
export function clientAssertionVerifier(ctx: AppContext): ClientAssertionVerifier {
  let verifier = verifiers.get(ctx);
  if (!verifier) {
    verifier = new ClientAssertionVerifier(ctx);
    verifiers.set(ctx, verifier);
  }
  return verifier;
}
