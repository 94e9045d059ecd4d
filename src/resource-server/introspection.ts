import { createHash } from 'node:crypto';
import { BearerError } from './bearer-error.js';
import { basicAuthorization, type IntrospectionOptions } from './revocation.js';

/** What introspection said about a token (RFC 7662 2.2). */
export type IntrospectionAnswer = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * Introspection per token (RFC 7662) with a short cache keyed by the token's SHA-256: every token is
 * checked at the issuer, at most `cacheMs` late. Also how reference (opaque) tokens are accepted.
 */
export class IntrospectionCheck {
  private readonly cache = new Map<string, { answer: IntrospectionAnswer; expiresAt: number }>();
  private readonly url: string;
  private readonly cacheMs: number;

  constructor(
    private readonly options: IntrospectionOptions,
    private readonly context: { issuer: string; fetch: typeof fetch; now: () => number; timeoutMs: number },
  ) {
    this.url = options.url ?? `${context.issuer.replace(/\/$/, '')}/connect/introspect`;
    this.cacheMs = options.cacheMs ?? 5000;
  }

  async introspect(token: string): Promise<IntrospectionAnswer> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = this.context.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.answer;
    let answer: IntrospectionAnswer;
    try {
      const response = await this.context.fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(this.options),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.context.timeoutMs),
      });
      if (response.status !== 200) throw new Error(`${this.url} answered HTTP ${response.status}`);
      const body = (await response.json()) as Record<string, unknown>;
      answer = body.active === true ? { ...body, active: true } : { active: false };
    } catch (error) {
      throw new BearerError(
        'temporarily_unavailable',
        `the issuer's introspection endpoint could not be reached (${error instanceof Error ? error.message : String(error)}); try again shortly`,
        503,
      );
    }
    if (this.cacheMs > 0) {
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(key, { answer, expiresAt: now + this.cacheMs });
    }
    return answer;
  }
}

export const INACTIVE_DESCRIPTION = 'the access token is not active: the issuer says it was revoked, has expired or is unknown';
