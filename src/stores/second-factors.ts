import type { TotpCredential } from '../domain/second-factor.js';

/** Second factors of users: TOTP credentials and recovery codes (stored as SHA-256 hashes). */
export interface SecondFactorsStore {
  /** The user's confirmed TOTP credential, if any. */
  confirmedTotp(userId: string): Promise<TotpCredential | undefined>;
  /** An unconfirmed credential of this user, by id. */
  pendingTotp(userId: string, id: string): Promise<TotpCredential | undefined>;
  /** Stores a new, unconfirmed credential (the user's older unconfirmed ones are removed). */
  addPendingTotp(credential: TotpCredential): Promise<void>;
  /**
   * Confirms a pending credential with the step of the first code accepted, atomically replacing the
   * user's previous confirmed credential; false when it is unknown or already confirmed.
   */
  confirmTotp(userId: string, id: string, step: number, now: number): Promise<boolean>;
  /**
   * Accepts a code's time step on a confirmed credential only if it is later than every step accepted
   * before (RFC 6238 5.2: a code is never accepted twice): true for exactly one caller.
   */
  useTotpStep(id: string, step: number): Promise<boolean>;
  removeTotp(userId: string): Promise<number>;
  /** Replaces every recovery code of the user by these (hashes), atomically. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: number): Promise<void>;
  /** Uses one recovery code: true for exactly one caller, once. */
  useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;
  recoveryCodesLeft(userId: string): Promise<number>;
  /** Removes every second factor of the user (TOTP, recovery codes and passkeys); returns how many records went. */
  removeAll(userId: string): Promise<number>;
}
