/**
 * The JWS algorithms Trustgate signs tokens with: RS256 (the default; RFC 9068 and OpenID Connect's
 * mandatory one), ES256 (P-256) and EdDSA (Ed25519). Never `none`, never an HMAC algorithm: every token
 * is verifiable with a public key from the JWKS.
 */
export const SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export const DEFAULT_SIGNING_ALG: SigningAlg = 'RS256';

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** "RS256, ES256 or EdDSA", for messages. */
export function signingAlgList(): string {
  return `${SIGNING_ALGS.slice(0, -1).join(', ')} or ${SIGNING_ALGS.at(-1)}`;
}
