import { errors, jwtVerify, type JWTPayload } from 'jose';
import { BearerError, invalidToken } from './bearer-error.js';
import type { IssuerKeys } from './issuer-keys.js';

/** The registered API's credentials at the issuer: its audience (client id) and one of its secrets. */
export interface ApiCredentials {
  clientId: string;
  clientSecret: string;
}

export interface RevocationFeedOptions extends ApiCredentials {
  /** how often the feed is polled, in ms (default 10 000) */
  intervalMs?: number;
  /**
   * when the last successful poll is older than this (ms; default 6 × intervalMs), requests wait for a
   * poll, and are refused with 503 while the feed cannot be read (fail closed)
   */
  maxStalenessMs?: number;
  /** the feed's URL (default {issuer}/connect/revocations) */
  url?: string;
}

export interface IntrospectionOptions extends ApiCredentials {
  /** how long an answer is reused for the same token, in ms (default 5 000; 0: ask every time) */
  cacheMs?: number;
  /** the introspection URL (default {issuer}/connect/introspect) */
  url?: string;
}

/** How the verifier learns of revocations: poll the issuer's signed feed, or introspect every token. */
export type RevocationOptions = { feed: RevocationFeedOptions } | { introspection: IntrospectionOptions };

/** What a revocation check looks at in a token. */
export interface TokenFacts {
  jti: string;
  sid?: string;
  subject: string;
  clientId: string;
  /** epoch seconds */
  issuedAt: number;
}

export const REVOKED_DESCRIPTIONS = {
  jti: 'the access token was revoked',
  sid: 'the access token was revoked: the session it was issued in has ended (signed out)',
  sub: "the access token was revoked: its user's access ended after it was issued (user disabled or password changed)",
  client: 'the access token was revoked: the app it was issued to was disabled or deleted after it was issued',
} as const;

const FEED_TYP = 'revocation-feed+jwt';
/** Pages read in one poll at most (each up to 1000 entries); the rest follows at the next poll. */
const MAX_PAGES_PER_POLL = 50;

interface FeedEntry {
  type: string;
  value: string;
  at: number;
  until: number;
}

/** Basic credentials as RFC 6749 2.3.1 wants them: each part form-urlencoded, then base64. */
export function basicAuthorization(credentials: ApiCredentials): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(credentials.clientId)}:${encode(credentials.clientSecret)}`).toString('base64')}`;
}

/**
 * The issuer's revocation feed, polled on an unref'd timer: a compact in-memory view (jti and sid sets;
 * per user and per app the latest "issued before" time), each entry dropped after its `until`. Every
 * answer is a JWT the issuer signed (checked against its JWKS: typ, iss, aud = this API, exp, and the
 * cursor asked for), so a network attacker cannot feed it a forged or replayed list.
 */
export class RevocationFeed {
  private cursor = '0';
  private readonly jtis = new Map<string, number>();
  private readonly sids = new Map<string, number>();
  private readonly subs = new Map<string, { at: number; until: number }>();
  private readonly clients = new Map<string, { at: number; until: number }>();
  private lastSuccess = -Infinity;
  private lastFailure = '';
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly maxStalenessMs: number;
  private readonly url: string;

  constructor(
    private readonly options: RevocationFeedOptions,
    private readonly context: { issuer: string; keys: IssuerKeys; fetch: typeof fetch; now: () => number; timeoutMs: number },
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    if (!(this.intervalMs >= 100)) throw new TypeError('revocation.feed.intervalMs must be at least 100');
    this.maxStalenessMs = options.maxStalenessMs ?? 6 * this.intervalMs;
    this.url = options.url ?? `${context.issuer.replace(/\/$/, '')}/connect/revocations`;
  }

  /** Starts polling (the first poll runs at once). */
  start(): void {
    if (this.timer) return;
    void this.poll().catch(() => undefined);
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Polls now (joining a poll in flight) and resolves when it is done; rejects when the feed could not be read. */
  poll(): Promise<void> {
    this.inflight ??= this.readFeed().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Refuses a token the feed revoked; waits for a poll when the view is stale (503 when the feed is unreadable). */
  async check(token: TokenFacts): Promise<void> {
    if (this.context.now() - this.lastSuccess > this.maxStalenessMs) {
      try {
        await this.poll();
      } catch {
        throw new BearerError(
          'temporarily_unavailable',
          `the issuer's revocation feed could not be read (${this.lastFailure}); try again shortly`,
          503,
        );
      }
    }
    const now = Math.floor(this.context.now() / 1000);
    const live = (until: number | undefined) => until !== undefined && until > now;
    if (live(this.jtis.get(token.jti))) throw invalidToken(REVOKED_DESCRIPTIONS.jti);
    if (token.sid !== undefined && live(this.sids.get(token.sid))) throw invalidToken(REVOKED_DESCRIPTIONS.sid);
    const sub = this.subs.get(token.subject);
    if (sub && live(sub.until) && token.issuedAt < sub.at) throw invalidToken(REVOKED_DESCRIPTIONS.sub);
    const client = this.clients.get(token.clientId);
    if (client && live(client.until) && token.issuedAt < client.at) throw invalidToken(REVOKED_DESCRIPTIONS.client);
  }

  private async readFeed(): Promise<void> {
    try {
      for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
        const claims = await this.fetchPage(this.cursor);
        for (const entry of claims.entries) this.apply(entry);
        this.cursor = claims.cursor;
        if (!claims.more) break;
      }
      this.prune();
      this.lastSuccess = this.context.now();
    } catch (error) {
      this.lastFailure = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  private async fetchPage(since: string): Promise<{ cursor: string; more: boolean; entries: FeedEntry[] }> {
    let response: Response;
    try {
      response = await this.context.fetch(`${this.url}?since=${encodeURIComponent(since)}`, {
        headers: { authorization: basicAuthorization(this.options), accept: 'application/jwt' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.context.timeoutMs),
      });
    } catch (error) {
      throw new Error(`request to ${this.url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status !== 200) throw new Error(`${this.url} answered HTTP ${response.status}`);
    const jwt = (await response.text()).trim();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, await this.context.keys.getKeyResolver(), {
        typ: FEED_TYP,
        issuer: this.context.issuer,
        audience: this.options.clientId,
        currentDate: new Date(this.context.now()),
        clockTolerance: 30,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      if (error instanceof BearerError) throw new Error(error.description);
      throw new Error(`the feed's answer is not a valid signed feed (${error instanceof errors.JOSEError ? error.code : 'unreadable'})`);
    }
    const { cursor, more, entries, since: answered } = payload as Record<string, unknown>;
    if (answered !== since) throw new Error("the feed's answer is for another cursor");
    if (typeof cursor !== 'string' || !Array.isArray(entries)) throw new Error("the feed's answer has no cursor or entries");
    return { cursor, more: more === true, entries: entries.filter(isEntry) };
  }

  private apply(entry: FeedEntry): void {
    switch (entry.type) {
      case 'jti':
        this.jtis.set(entry.value, Math.max(entry.until, this.jtis.get(entry.value) ?? 0));
        break;
      case 'sid':
        this.sids.set(entry.value, Math.max(entry.until, this.sids.get(entry.value) ?? 0));
        break;
      case 'sub':
      case 'client': {
        const map = entry.type === 'sub' ? this.subs : this.clients;
        const known = map.get(entry.value);
        map.set(entry.value, { at: Math.max(entry.at, known?.at ?? 0), until: Math.max(entry.until, known?.until ?? 0) });
        break;
      }
      default:
      // an entry type this version does not know: nothing to refuse by
    }
  }

  private prune(): void {
    const now = Math.floor(this.context.now() / 1000);
    for (const map of [this.jtis, this.sids]) for (const [key, until] of map) if (until <= now) map.delete(key);
    for (const map of [this.subs, this.clients]) for (const [key, value] of map) if (value.until <= now) map.delete(key);
  }
}

function isEntry(value: unknown): value is FeedEntry {
  const entry = value as Partial<FeedEntry> | null;
  return (
    typeof entry === 'object' && entry !== null &&
    typeof entry.type === 'string' && typeof entry.value === 'string' &&
    typeof entry.at === 'number' && typeof entry.until === 'number'
  );
}
