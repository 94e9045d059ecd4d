import { BearerError, invalidRequest } from './bearer-error.js';
import { DPOP_IAT_WINDOW_SECONDS, DPOP_SIGNING_ALGS, DpopProofRejected, verifyDpopProof } from '../tokens/dpop-proof.js';
import type { AccessToken } from './verifier.js';

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** A refusal answered with a `DPoP` challenge (RFC 9449 7.1) instead of a Bearer one. */
export class DpopError extends BearerError {
  constructor(code: 'invalid_token' | 'invalid_dpop_proof', description: string) {
    super(code, description, 401);
  }

  override challenge(realm: string): string {
    const quote = (value: string) => value.replace(/["\\]/g, "'");
    return `DPoP algs="${DPOP_SIGNING_ALGS.join(' ')}", realm="${quote(realm)}", error="${this.code}", error_description="${quote(this.description)}"`;
  }
}

/** `Authorization: DPoP <token>` (RFC 9449 7.1): the token, or undefined for any other scheme. */
export function extractDpopToken(authorization: string | string[] | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^(\S+)(?: +(.*))?$/.exec(authorization.trim());
  if (!match || match[1]!.toLowerCase() !== 'dpop') return undefined;
  const token = match[2]?.trim() ?? '';
  if (token === '') throw invalidRequest('the Authorization header has the DPoP scheme but no token');
  if (!B64TOKEN.test(token)) throw invalidRequest('the Authorization header is malformed: expected "DPoP <access token>"');
  return token;
}

/** Proof jtis seen by this API process within their window (RFC 9449 11.1). */
export class SeenProofs {
  private readonly seen = new Map<string, number>();

  /** True the first time a proof identity is seen within its window. */
  claim(id: string, now: number): boolean {
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    if (this.seen.has(id)) return false;
    this.seen.set(id, now + 2 * DPOP_IAT_WINDOW_SECONDS * 1000);
    return true;
  }
}

/**
 * RFC 9449 7: a token bound to a DPoP key (cnf.jkt) is admitted only with the DPoP scheme and a proof of
 * this request (htm, htu, ath), made with the bound key and not seen before; an unbound token only with
 * the Bearer scheme.
 */
export async function checkDpopBinding(options: {
  token: AccessToken;
  raw: string;
  scheme: 'Bearer' | 'DPoP';
  proof: string | string[] | undefined;
  method: string;
  htu: string;
  now: number;
  seen: SeenProofs;
}): Promise<void> {
  const cnf = options.token.claims.cnf as { jkt?: unknown } | undefined;
  const boundTo = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
  if (boundTo === undefined) {
    if (options.scheme === 'DPoP') throw new DpopError('invalid_token', 'the access token is not bound to a DPoP key: send it as "Authorization: Bearer <token>"');
    return;
  }
  if (options.scheme !== 'DPoP') {
    throw new DpopError('invalid_token', 'the access token is bound to a DPoP key: send it as "Authorization: DPoP <token>" with a DPoP proof');
  }
  if (options.proof === undefined) throw new DpopError('invalid_dpop_proof', 'a DPoP proof is required with a DPoP-bound access token');
  if (Array.isArray(options.proof)) throw new DpopError('invalid_dpop_proof', 'send exactly one DPoP proof');
  let verified;
  try {
    verified = await verifyDpopProof(options.proof.trim(), { htm: options.method, htu: options.htu, now: options.now, accessToken: options.raw });
  } catch (error) {
    if (error instanceof DpopProofRejected) throw new DpopError('invalid_dpop_proof', error.message);
    throw error;
  }
  if (verified.jkt !== boundTo) throw new DpopError('invalid_dpop_proof', 'the DPoP proof was made with another key than the one the access token is bound to');
  if (!options.seen.claim(`${verified.jkt}.${verified.jti}`, options.now)) {
    throw new DpopError('invalid_dpop_proof', 'the DPoP proof was already used: make a new proof (a new jti) for every request');
  }
}

