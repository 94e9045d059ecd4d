import { createHash, sign, type KeyObject } from 'node:crypto';

/**
 * Compact JWS (RFC 7515) signed RS256 with a cached KeyObject. `crypto.sign` with a callback runs on
 * libuv's thread pool, so signing never blocks the event loop and two tokens sign in parallel.
 */
export function signCompactRs256(header: Record<string, unknown>, payload: object, key: KeyObject): Promise<string> {
  const signingInput = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput, 'ascii'), key, (error, signature) => {
      if (error) reject(error);
      else resolve(`${signingInput}.${signature.toString('base64url')}`);
    });
  });
}

/** OpenID Connect Core 3.1.3.6: base64url of the left half of SHA-256 of the token's ASCII (for RS256). */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
