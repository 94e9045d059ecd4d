import type { RefreshFamily, RefreshTokenRecord, RevocationReason } from '../domain/refresh-family.js';

/** Refresh-token families and their tokens (stored only as SHA-256 hashes). */
export interface RefreshFamiliesStore {
  insertFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void>;
  /** The token and its family. */
  find(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily } | undefined>;
  /**
   * Rotation, atomically: claims the presented token (only while unconsumed and its family, `next.familyId`,
   * is not revoked), records until when it may be presented again (`graceUntil`, null: never), retires every
   * other live token of the family (siblings issued within a grace window), closes every earlier grace
   * window of the family, and inserts the successor — after it, the successor is the family's only live
   * token. False, with nothing written, when another request won. A family's rotations run one at a time.
   */
  rotate(presentedHash: string, next: RefreshTokenRecord, at: number, graceUntil?: number | null): Promise<boolean>;
  /**
   * The reuse grace window, atomically: when the presented token of `next.familyId` (a live family) was
   * rotated and its window (`graceUntil`, set by `rotate`) is still open at `at`, inserts `next` as a
   * sibling of the family's live token(s). False, with nothing written, otherwise.
   */
  reissueWithinGrace(presentedHash: string, next: RefreshTokenRecord, at: number): Promise<boolean>;
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
