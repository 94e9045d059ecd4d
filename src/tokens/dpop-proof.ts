import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { createHash } from 'node:crypto';

/** The algorithms a DPoP proof may be signed with (RFC 9449 5.1: asymmetric only). */
export const DPOP_SIGNING_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
/** How far a proof's iat may be from the server's clock, in seconds (both ways). */
export const DPOP_IAT_WINDOW_SECONDS = 60;
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

/** A proof that failed a rule of RFC 9449 4.3; the message says which (safe to show to the app). */
export class DpopProofRejected extends Error {}

export interface VerifiedDpopProof {
  /** JWK SHA-256 thumbprint (RFC 7638) of the proof's key: what tokens are bound to (cnf.jkt) */
  jkt: string;
  jti: string;
  /** epoch seconds */
  iat: number;
  /** the server nonce the proof carries (RFC 9449 8), when it carries one */
  nonce: string | undefined;
}

export interface DpopExpectations {
  /** the request's method */
  htm: string;
  /** the request's URL without query and fragment */
  htu: string;
  /** epoch milliseconds */
  now: number;
  /** the access token the proof accompanies (resource requests: `ath` must be its hash) */
  accessToken?: string;
}

/** base64url SHA-256 of an access token: a proof's `ath` (RFC 9449 4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The URL a proof's `htu` is compared with: scheme, host, port and path, without query and fragment. */
export function htuOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * Verifies a DPoP proof (RFC 9449 4.3) with jose: a JWT of typ dpop+jwt signed by the public key in its
 * own header (EmbeddedJWK), with htm and htu of this request, an iat within the window and a jti;
 * `ath` when it accompanies an access token. The single use of its jti is the store's (the caller's).
 */
export async function verifyDpopProof(proof: string, expected: DpopExpectations): Promise<VerifiedDpopProof> {
  if (proof.length > MAX_PROOF_LENGTH) throw new DpopProofRejected('the DPoP proof is too long');
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_SIGNING_ALGS] });
    payload = verified.payload as Record<string, unknown>;
    jwk = verified.protectedHeader.jwk as JWK;
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed) throw new DpopProofRejected(`the DPoP proof must be signed with ${DPOP_SIGNING_ALGS.join(', ')}`);
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ') throw new DpopProofRejected('the DPoP proof must have the header typ "dpop+jwt"');
    throw new DpopProofRejected('the DPoP proof is not a JWT signed by the key in its header');
  }
  if ('d' in jwk || 'k' in jwk) throw new DpopProofRejected('the DPoP proof\'s header must carry a public key only');
  if (payload.htm !== expected.htm) throw new DpopProofRejected(`the DPoP proof's htm must be "${expected.htm}"`);
  if (typeof payload.htu !== 'string' || !sameHtu(payload.htu, expected.htu)) {
    throw new DpopProofRejected(`the DPoP proof's htu must be "${expected.htu}"`);
  }
  const now = Math.floor(expected.now / 1000);
  if (typeof payload.iat !== 'number' || Math.abs(payload.iat - now) > DPOP_IAT_WINDOW_SECONDS) {
    throw new DpopProofRejected(`the DPoP proof's iat must be within ${DPOP_IAT_WINDOW_SECONDS} seconds of the server's time`);
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) {
    throw new DpopProofRejected('the DPoP proof must have a jti');
  }
  if (expected.accessToken !== undefined && payload.ath !== accessTokenHash(expected.accessToken)) {
    throw new DpopProofRejected('the DPoP proof\'s ath must be the hash of the access token it accompanies');
  }
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    jti: payload.jti,
    iat: payload.iat,
    nonce: typeof payload.nonce === 'string' ? payload.nonce : undefined,
  };
}

/** htu compared without query and fragment (RFC 9449 4.3 step 9). */
function sameHtu(presented: string, expected: string): boolean {
  try {
    return htuOf(presented) === expected;
  } catch {
    return false;
  }
}
