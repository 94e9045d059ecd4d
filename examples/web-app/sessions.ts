import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What the web app remembers about one browser, on the server only (the browser holds an opaque id). */
export interface WebSession {
  /** CSRF token for this session's forms */
  csrf: string;
  /** a sign-in in progress: state, nonce and PKCE verifier, checked at the callback */
  pendingLogin?: { state: string; nonce: string; codeVerifier: string; startedAt: number };
  /** the signed-in user's tokens: never sent to the browser */
  tokens?: SessionTokens;
  /** the user shown on the page (from the ID token) */
  user?: { sub: string; name: string; login: string };
  /** how many times the access token was renewed with the refresh token (shown on the page) */
  refreshCount: number;
  /** a refresh in flight: concurrent requests wait for it instead of refreshing twice */
  refreshing?: Promise<void>;
  lastSeenAt: number;
}

export interface SessionTokens {
  accessToken: string;
  /** epoch ms, from expires_in */
  accessTokenExpiresAt: number;
  /** always the latest one: every refresh rotates it */
  refreshToken: string | undefined;
  idToken: string | undefined;
}

/**
 * In-memory server-side sessions keyed by the SHA-256 of a 256-bit cookie value. A real deployment
 * would keep them in Redis or a database; the shape stays the same.
 */
export class SessionStore {
  private readonly sessions = new Map<string, WebSession>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number,
  ) {}

  /** A new empty session; returns the cookie value. */
  create(): { id: string; session: WebSession } {
    this.prune();
    const id = randomBytes(32).toString('base64url');
    const session: WebSession = { csrf: randomBytes(24).toString('base64url'), refreshCount: 0, lastSeenAt: this.now() };
    this.sessions.set(hash(id), session);
    return { id, session };
  }

  get(id: string | undefined): WebSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(hash(id));
    if (!session) return undefined;
    if (this.now() - session.lastSeenAt > this.idleMs) {
      this.sessions.delete(hash(id));
      return undefined;
    }
    session.lastSeenAt = this.now();
    return session;
  }

  /** Moves a session to a new id (after sign-in: no session fixation). */
  rotate(oldId: string): string {
    const session = this.sessions.get(hash(oldId));
    this.sessions.delete(hash(oldId));
    const id = randomBytes(32).toString('base64url');
    if (session) {
      session.csrf = randomBytes(24).toString('base64url');
      this.sessions.set(hash(id), session);
    }
    return id;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(hash(id));
  }

  private prune(): void {
    const now = this.now();
    for (const [key, session] of this.sessions) if (now - session.lastSeenAt > this.idleMs) this.sessions.delete(key);
  }
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
