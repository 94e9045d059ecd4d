import type { ReferenceToken } from '../domain/reference-token.js';

/** Long-lived reference tokens (stored only as SHA-256 hashes). */
export interface ReferenceTokensStore {
  insert(token: ReferenceToken): Promise<void>;
  findByHash(tokenHash: string): Promise<ReferenceToken | undefined>;
  get(id: string): Promise<ReferenceToken | undefined>;
  /** Newest first; filtered by user and/or app when given. */
  list(filter?: { userId?: string; clientId?: string }): Promise<ReferenceToken[]>;
  /**
   * Revokes an active token (of `userId` only, when given), with its revocation-feed entry in the same
   * transaction. False when it is unknown, not that user's, or already revoked.
   */
  revoke(id: string, at: number, options?: { userId?: string }): Promise<boolean>;
}
