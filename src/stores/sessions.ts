import type { Session } from '../domain/session.js';

/** SSO sessions, keyed by the SHA-256 of the cookie value; shared by every node. */
export interface SessionsStore {
  insert(session: Session): Promise<void>;
  get(idHash: string): Promise<Session | undefined>;
  getBySid(sid: string): Promise<Session | undefined>;
  /** Slides the idle expiry; false when the session is gone or ended. */
  touch(idHash: string, now: number): Promise<boolean>;
  /** The same user signed in again: new auth_time and amr, absolute lifetime restarted. False once ended. */
  reauthenticate(idHash: string, change: { authTime: number; amr: string[]; now: number; expiresAt: number }): Promise<boolean>;
  /** Ends a session; true when this call ended it. */
  end(idHash: string, now: number): Promise<boolean>;
  /** Removes sessions that ended, expired, or went idle longer than `idleMs` before `before` (bounded batch). */
  pruneExpired(before: number, idleMs: number, limit?: number): Promise<number>;
}
