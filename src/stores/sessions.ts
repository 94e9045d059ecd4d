import type { Session } from '../domain/session.js';
import type { User } from '../domain/user.js';

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

/** A session with its user and the user's consent to one app, read together. */
export interface SessionWithUserAndConsent {
  session: Session;
  /** as UsersStore.getById: undefined when the user no longer exists */
  user: User | undefined;
  /** as ConsentsStore.get: the scopes the user allowed the app, empty when none */
  consentedScopes: string[];
}

/** SSO sessions, keyed by the SHA-256 of the cookie value; shared by every node. */
export interface SessionsStore {
  insert(session: Session): Promise<void>;
  get(idHash: string): Promise<Session | undefined>;
  /**
   * What an authorization request of `clientId` needs from the browser's session, in one statement: the
   * session (as `get`, whether live or not), its user and the user's consent to the app. Undefined when no
   * session has `idHash` (or either value is not storable text: no session or app can have it).
   */
  getWithUserAndConsent(idHash: string, clientId: string): Promise<SessionWithUserAndConsent | undefined>;
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
