/** A server-side SSO session. The browser holds only an opaque random id; the store keeps its SHA-256. */
export interface Session {
  idHash: string;
  /** public session id (ID token and access token `sid`); unchanged when the same user signs in again */
  sid: string;
  userId: string;
  /** epoch seconds of the last active authentication */
  authTime: number;
  amr: string[];
  createdAt: number;
  lastSeenAt: number;
  /** absolute expiry (epoch ms) */
  expiresAt: number;
  endedAt: number | null;
}

export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

/** A session authorizes only while it is not ended, not past its absolute expiry and not idle too long. */
export function isSessionLive(session: Session, now: number, lifetimes: SessionLifetimes): boolean {
  return session.endedAt === null && session.expiresAt > now && session.lastSeenAt + lifetimes.idleMs > now;
}

/** OpenID Connect max_age: the last authentication must be at most maxAge seconds old. */
export function authenticationIsFresh(authTime: number, maxAge: number | null, now: number): boolean {
  if (maxAge === null) return true;
  return Math.floor(now / 1000) - authTime <= maxAge;
}

/**
 * Whether a use of the session should slide its idle expiry now. Recording every use costs a database
 * write per authorization; recording at most once per tenth of the idle lifetime (and at least once a
 * minute) keeps the idle expiry accurate to that tenth.
 */
export function sessionNeedsTouch(session: Session, now: number, lifetimes: SessionLifetimes): boolean {
  return now - session.lastSeenAt >= Math.min(60_000, lifetimes.idleMs / 10);
}
