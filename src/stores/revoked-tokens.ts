/**
 * The deny list of access tokens (by `jti`) revoked before they expired. An entry is kept only until the
 * token would have expired anyway; after that, `exp` alone refuses it.
 */
export interface RevokedTokensStore {
  /** Adds a jti (idempotent; nothing is stored for a token that has already expired). */
  add(jti: string, expiresAt: number, at: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  /** Removes entries whose token has expired (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
