import type { Session } from '../domain/session.js';

/** What a successful sign-in changes on a session it renews. */
export interface SessionRenewal {
  /** SHA-256 of the browser's new cookie value */
  idHash: string;
  authTime: number;
  amr: string[];
  now: number;
  /** restarted absolute expiry */
  expiresAt: number;
}

/** SSO sessions, keyed by the SHA-256 of the cookie value; shared by every node. */
export interface SessionsStore {
  insert(session: Session): Promise<void>;
  get(idHash: string): Promise<Session | undefined>;
  getBySid(sid: string): Promise<Session | undefined>;
  /** Slides the idle expiry; false when the session is gone or ended. */
  touch(idHash: string, now: number): Promise<boolean>;
  /**
   * The same user signed in again (one atomic statement): the session moves from `oldIdHash` to the new
   * cookie hash, so the old cookie value stops working at once; it keeps its sid, gets the new auth_time
   * and amr, and restarts its absolute lifetime. False (nothing changed) when no live record of `userId`
   * has `oldIdHash`.
   */
  renew(oldIdHash: string, userId: string, renewal: SessionRenewal): Promise<boolean>;
  /** Starts `session` and ends the browser's previous one (if any), in one transaction. */
  replace(previousIdHash: string | null, session: Session): Promise<void>;
  /** The user's sessions that are not ended and not past their absolute expiry at `now` (newest first, at most `limit`). */
  listByUser(userId: string, now: number, limit?: number): Promise<Session[]>;
  /**
   * Ends a session; true when this call ended it. With `logout`, the tokens issued in it are revoked for
   * the APIs too (a revocation-feed entry for its sid, in the same transaction).
   */
  end(idHash: string, now: number, options?: { logout?: boolean }): Promise<boolean>;
  /** Removes sessions that ended, expired, or went idle longer than `idleMs` before `before` (bounded batch). */
  pruneExpired(before: number, idleMs: number, limit?: number): Promise<number>;
}
