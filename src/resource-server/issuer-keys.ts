import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type FetchImplementation, type JWTVerifyGetKey } from 'jose';
import { keysUnavailable } from './bearer-error.js';

export interface IssuerKeysOptions {
  issuer: string;
  /** skip discovery and use this JWKS URL */
  jwksUri?: string;
  /** minimum time between two JWKS fetches triggered by an unknown `kid` (default 30 s) */
  cooldownMs: number;
  /** keys are refetched in the background after this age (default 10 min) */
  cacheMaxAgeMs: number;
  /** HTTP timeout for discovery and JWKS requests */
  timeoutMs: number;
  /** after a failed discovery, wait this long before trying again (requests fail fast meanwhile) */
  discoveryRetryMs: number;
  allowInsecureHttp: boolean;
  fetch: typeof fetch;
  now: () => number;
}

/**
 * The issuer's signing keys: `jwks_uri` comes from OpenID Connect discovery (whose `issuer` must equal
 * the configured one exactly, Discovery 4.3); the key set is cached and refetched when a token names
 * an unknown `kid`, at most once per cooldown period, so forged `kid`s cannot flood the issuer.
 */
export class IssuerKeys {
  private resolver: JWTVerifyGetKey | undefined;
  private discovering: Promise<JWTVerifyGetKey> | undefined;
  private failedAt = -Infinity;
  private lastFailure = '';

  constructor(private readonly options: IssuerKeysOptions) {}

  /** The jose key resolver, after discovery. Throws a 503 BearerError when the issuer is unreachable. */
  async getKeyResolver(): Promise<JWTVerifyGetKey> {
    if (this.resolver) return this.resolver;
    if (this.options.now() - this.failedAt < this.options.discoveryRetryMs) {
      throw keysUnavailable(`the token issuer's keys are unavailable (${this.lastFailure}); try again shortly`);
    }
    this.discovering ??= this.discover().then(
      (resolver) => {
        this.resolver = resolver;
        this.discovering = undefined;
        return resolver;
      },
      (error: unknown) => {
        this.failedAt = this.options.now();
        this.lastFailure = error instanceof Error ? error.message : String(error);
        this.discovering = undefined;
        throw keysUnavailable(`the token issuer's keys are unavailable (${this.lastFailure}); try again shortly`);
      },
    );
    return this.discovering;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const jwksUri = this.options.jwksUri ?? (await this.discoverJwksUri());
    const url = this.checkedUrl(jwksUri, 'jwks_uri');
    const fetchImpl = this.options.fetch;
    const remote = createRemoteJWKSet(url, {
      cooldownDuration: this.options.cooldownMs,
      cacheMaxAge: this.options.cacheMaxAgeMs,
      timeoutDuration: this.options.timeoutMs,
      [customFetch]: ((input, init) => fetchImpl(input, init)) as FetchImplementation,
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        // the refetch failed (issuer down, timeout, bad answer): keep verifying with the keys we had
        const lastKnown = remote.jwks();
        if (lastKnown) return createLocalJWKSet(lastKnown)(header, token);
        throw keysUnavailable(
          `the token issuer's keys are unavailable (${error instanceof Error ? error.message : String(error)}); try again shortly`,
        );
      }
    };
  }

  private async discoverJwksUri(): Promise<string> {
    const { issuer } = this.options;
    const discoveryUrl = this.checkedUrl(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, "issuer");
    let response: Response;
    try {
      response = await this.options.fetch(discoveryUrl, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new Error(`discovery request to ${discoveryUrl.href} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status !== 200) throw new Error(`discovery at ${discoveryUrl.href} answered HTTP ${response.status}`);
    let metadata: unknown;
    try {
      metadata = await response.json();
    } catch {
      throw new Error(`discovery at ${discoveryUrl.href} did not return JSON`);
    }
    const document = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== issuer) {
      throw new Error(`discovery names the issuer ${JSON.stringify(document.issuer)}, expected "${issuer}"`);
    }
    if (typeof document.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
    return document.jwks_uri;
  }

  private checkedUrl(value: string, what: string): URL {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`${what} "${value}" is not an absolute URL`);
    }
    const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopback || this.options.allowInsecureHttp))) {
      throw new Error(`${what} "${value}" must use https`);
    }
    return url;
  }
}
