import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A random opaque value (default 256 bits), base64url without padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random identifier for records and JWT ids. */
export function randomId(): string {
  return randomUUID();
}

/** SHA-256 of a high-entropy value, base64url. Codes, refresh tokens, session ids and secrets are stored only this way. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Constant-time comparison of two strings (compares their SHA-256 digests, so lengths do not leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
