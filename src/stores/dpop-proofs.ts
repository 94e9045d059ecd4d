/** The jti of every DPoP proof accepted within its window, so that no proof is accepted twice (RFC 9449 11.1). */
export interface DpopProofsStore {
  /**
   * Records a proof's identity (a hash of its key thumbprint and jti) until `expiresAt`, atomically: true
   * when it was new, false when it was seen before — on any node.
   */
  claim(proofHash: string, expiresAt: number): Promise<boolean>;
  /** Removes entries that expired before `before` (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
