import { createHash } from 'node:crypto';
import type { SigningAlg } from '../domain/signing-alg.js';

/**
 * The hash behind `at_hash` for each ID-token algorithm (OpenID Connect Core 3.1.3.6: the hash of the
 * alg). RS256 and ES256 name SHA-256. EdDSA names no hash; for Ed25519 we use SHA-512, the hash inside
 * Ed25519 itself, as OpenID Connect's newer guidance and most libraries (node-oidc-provider,
 * oidc-token-hash, Authlete, …) do.
 */
const AT_HASH_DIGEST: Record<SigningAlg, 'sha256' | 'sha512'> = {
  RS256: 'sha256',
  ES256: 'sha256',
  EdDSA: 'sha512',
};

/** `at_hash`: base64url of the left half of the hash of the access token's ASCII octets. */
export function atHash(accessToken: string, idTokenAlg: SigningAlg): string {
  const digest = createHash(AT_HASH_DIGEST[idTokenAlg]).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
