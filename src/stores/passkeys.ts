import type { PasskeyChallenge, PasskeyChallengePurpose, PasskeyCredential } from '../domain/passkey.js';

/** Passkeys (WebAuthn credentials) of users, and the single-use challenges of registrations and sign-ins. */
export interface PasskeysStore {
  /** Stores a new credential; false when a credential with this id is already registered (to anyone). */
  add(credential: PasskeyCredential): Promise<boolean>;
  get(id: string): Promise<PasskeyCredential | undefined>;
  /** The user's credentials, oldest first. */
  listForUser(userId: string): Promise<PasskeyCredential[]>;
  countForUser(userId: string): Promise<number>;
  /** Renames one of the user's credentials; false when the user has no credential with this id. */
  rename(userId: string, id: string, name: string): Promise<boolean>;
  /** Removes one of the user's credentials; false when the user has no credential with this id. */
  remove(userId: string, id: string): Promise<boolean>;
  /**
   * Records a verified use: the new signature counter and the time, only if the counter moved forward
   * from what the verification saw (or both are 0: the authenticator keeps no counter) and is not behind
   * a concurrent use. False: another use got there first, or the counter went backwards (a cloned key).
   */
  recordUse(id: string, seenCounter: number, newCounter: number, now: number): Promise<boolean>;
  /** Keeps a challenge until it is consumed or expires. */
  saveChallenge(challenge: PasskeyChallenge): Promise<void>;
  /**
   * Consumes a challenge: true for exactly one caller, only while it is unexpired and for the same
   * purpose and binding; it is gone afterwards either way.
   */
  consumeChallenge(challengeHash: string, purpose: PasskeyChallengePurpose, binding: string, now: number): Promise<PasskeyChallenge | undefined>;
  /** Removes expired challenges (a bounded batch); returns how many went. */
  pruneChallenges(now: number, limit: number): Promise<number>;
}
