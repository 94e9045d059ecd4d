import type { RefreshFamily, RefreshTokenRecord, RevocationReason } from '../domain/refresh-family.js';

/** Refresh-token families and their tokens (stored only as SHA-256 hashes). */
export interface RefreshFamiliesStore {
  insertFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void>;
  /** The token and its family. */
  find(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily } | undefined>;
  /**
   * Rotation, atomically: claims the presented token (only while unconsumed and its family, `next.familyId`,
   * is not revoked) and inserts its successor. False, with nothing written, when another request won.
   */
  rotate(presentedHash: string, next: RefreshTokenRecord, at: number): Promise<boolean>;
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
