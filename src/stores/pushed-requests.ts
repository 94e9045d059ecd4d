/**
 * Pushed authorization requests (RFC 9126): the parameters an app pushed to {issuer}/connect/par,
 * kept until its request_uri is used once at /connect/authorize or expires. The request_uri is stored
 * only as its SHA-256 hash.
 */
export interface PushedRequest {
  /** SHA-256 (base64url) of the request_uri */
  uriHash: string;
  clientId: string;
  /** the pushed parameters, each given once */
  params: Record<string, string>;
  createdAt: number;
  expiresAt: number;
}

export interface PushedRequestsStore {
  insert(request: PushedRequest): Promise<void>;
  /**
   * Single use, atomically: marks the request used and returns it — only when it exists, was pushed by
   * `clientId`, is unused and has not expired at `at`. Undefined (nothing changed) otherwise: of two
   * concurrent uses, on any node, exactly one gets it.
   */
  consume(uriHash: string, clientId: string, at: number): Promise<PushedRequest | undefined>;
  /** Removes requests that expired before `before` (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
