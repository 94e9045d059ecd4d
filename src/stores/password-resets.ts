import type { PasswordReset } from '../domain/password-reset.js';

/** One-time password-reset tokens, stored only as SHA-256 hashes; shared by every node. */
export interface PasswordResetsStore {
  /** Stores a new reset and removes the user's older ones (a new link replaces the old), atomically. */
  issue(reset: PasswordReset): Promise<void>;
  /** The reset with this hash if it is unused and unexpired at `now`. */
  findUsable(tokenHash: string, now: number): Promise<PasswordReset | undefined>;
  /**
   * Atomic single use: marks the reset used when it is unused and unexpired. Returns its user id to
   * exactly one caller across processes and nodes; undefined to every other.
   */
  consume(tokenHash: string, now: number): Promise<string | undefined>;
  /** Removes resets that expired before `before`, used or not (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
