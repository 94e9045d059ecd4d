import type { RefreshFamily, RefreshTokenRecord, RevocationReason } from '../domain/refresh-family.js';
import type { User } from '../domain/user.js';

/** What `rotateOrReissue` did: rotated the presented token, re-issued it within its grace window, or nothing. */
export type RefreshOutcome = 'rotated' | 'reissued' | 'lost';

/** Refresh-token families and their tokens (stored only as SHA-256 hashes). */
export interface RefreshFamiliesStore {
  insertFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void>;
  /** The token and its family. */
  find(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily } | undefined>;
  /**
   * The token, its family and the family's user as `UsersStore.getById` reads it (undefined: the user no
   * longer exists), in one read: the refresh grant's.
   */
  findWithUser(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily; user: User | undefined } | undefined>;
  /**
   * Rotation, atomically: claims the presented token (only while unconsumed and its family, `next.familyId`,
   * is not revoked), records until when it may be presented again (`graceUntil`, null: never), retires every
   * other live token of the family (siblings issued within a grace window), closes every earlier grace
   * window of the family, and inserts the successor — after it, the successor is the family's only live
   * token. False, with nothing written, when another request won. A family's rotations, re-issues and
   * revocation run one at a time, each seeing everything the ones before it wrote (also a sibling a
   * concurrent re-issue inserted while this rotation waited).
   */
  rotate(presentedHash: string, next: RefreshTokenRecord, at: number, graceUntil?: number | null): Promise<boolean>;
  /**
   * The reuse grace window, atomically: when the presented token of `next.familyId` (a live family) was
   * rotated and its window (`graceUntil`, set by `rotate`) is still open at `at`, inserts `next` as a
   * sibling of the family's live token(s). False, with nothing written, otherwise.
   */
  reissueWithinGrace(presentedHash: string, next: RefreshTokenRecord, at: number): Promise<boolean>;
  /**
   * `rotate`, or else (the presented token was rotated already, or by a request that won meanwhile)
   * `reissueWithinGrace`, as one atomic step under the family's serialization: 'rotated', 'reissued', or
   * 'lost' with nothing written (the family is revoked or unknown, or the token has no open window).
   */
  rotateOrReissue(presentedHash: string, next: RefreshTokenRecord, at: number, graceUntil?: number | null): Promise<RefreshOutcome>;
  /**
   * Revokes a family: no token of it refreshes again, and every unexpired access token issued in it goes
   * onto the deny list. Idempotent and atomic.
   */
  revokeFamily(familyId: string, at: number, reason: RevocationReason): Promise<void>;
  /** One family by id. */
  getFamily(familyId: string): Promise<RefreshFamily | undefined>;
  /** Families of a user or of an app that are not revoked and not expired at `now` (newest first, at most `limit`). */
  listLive(owner: { userId: string } | { clientId: string }, now: number, limit?: number): Promise<RefreshFamily[]>;
  /** Removes families that expired before `before`, with their tokens (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
