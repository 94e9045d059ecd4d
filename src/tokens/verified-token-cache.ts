import { createHash } from 'node:crypto';

/**
 * Claims of JWTs whose signature was already verified, so that a client calling again with the same
 * token (an app calls userinfo or an API many times within a token's lifetime) is not verified again.
 * Only a verified token is ever put in; an entry is found by the SHA-256 of the token (the token itself
 * is not kept) and is never returned after the token's `exp` (plus the verifier's clock tolerance). It
 * caches the signature check only: the caller still checks what can change during a token's life (that
 * its key is still published, its audience, the deny list) at every use. Bounded: the oldest entries go
 * first.
 */
export class VerifiedTokenCache<Claims extends { exp?: number }> {
  private readonly entries = new Map<string, { claims: Claims; kid: string; usableUntilMs: number }>();

  constructor(
    private readonly toleranceSeconds: number,
    private readonly maxEntries = 2_000,
  ) {}

  /** The claims and key id of a token verified before and not yet expired at `nowMs`. */
  get(token: string, nowMs: number): { claims: Claims; kid: string } | undefined {
    const key = fingerprint(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowMs >= entry.usableUntilMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Remembers a token that passed verification (signature and claims) with the key `kid`. */
  add(token: string, kid: string, claims: Claims): void {
    if (typeof claims.exp !== 'number') return;
    const key = fingerprint(token);
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { claims, kid, usableUntilMs: (claims.exp + this.toleranceSeconds) * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
