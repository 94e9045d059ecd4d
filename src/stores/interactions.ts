import type { Interaction } from '../domain/interaction.js';

/** Pending sign-ins (the authorization request waiting for login / consent). */
export interface InteractionsStore {
  insert(interaction: Interaction): Promise<void>;
  get(id: string): Promise<Interaction | undefined>;
  /**
   * Whether a live (unexpired, not completed) interaction is bound to the browser whose interaction
   * cookie hashes to `browserHash`: the cookie is then one the server issued (one indexed lookup).
   */
  isBrowserBound(browserHash: string, now: number): Promise<boolean>;
  /** Records who signed in during the interaction and the sid of their session; false once it is completed. */
  setUser(id: string, userId: string, sessionSid: string): Promise<boolean>;
  /**
   * Records that `userId` passed the factors in `amr` and a further factor is due (null clears it); false
   * once the interaction is completed.
   */
  setPending(id: string, pending: { userId: string; amr: string[] } | null): Promise<boolean>;
  /** Atomic single use (unexpired, not completed): true for exactly one caller. */
  complete(id: string, now: number): Promise<boolean>;
  /** Removes interactions that expired before `before` (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
