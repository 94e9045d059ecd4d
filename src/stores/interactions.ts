import type { Interaction } from '../domain/interaction.js';

/** Pending sign-ins (the authorization request waiting for login / consent). */
export interface InteractionsStore {
  insert(interaction: Interaction): Promise<void>;
  get(id: string): Promise<Interaction | undefined>;
  /** Records who signed in during the interaction; false once it is completed. */
  setUser(id: string, userId: string, sessionIdHash: string): Promise<boolean>;
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
