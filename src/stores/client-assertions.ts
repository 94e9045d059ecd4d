/**
 * The `jti`s of client assertions (private_key_jwt, RFC 7523 3 item 7) already used: each may be used
 * once, and is kept until the assertion expires (after that, `exp` alone refuses it).
 */
export interface ClientAssertionsStore {
  /**
   * Records the assertion `jti` of an app as used, atomically: true for the first use, false when it was
   * used before and has not expired yet (concurrent uses on any node: exactly one is true).
   * `expiresAt` is the assertion's `exp` in epoch milliseconds.
   */
  useJti(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
  /** Removes the entries of assertions that expired before the time (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
