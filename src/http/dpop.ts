import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { OAuthError } from '../errors/oauth-error.js';
import { DPOP_IAT_WINDOW_SECONDS, DpopProofRejected, verifyDpopProof, type VerifiedDpopProof } from '../tokens/dpop-proof.js';
import { sha256 } from '../tokens/opaque.js';

/** invalid_dpop_proof (RFC 9449 7.1): 400 at the token endpoint, 401 with a DPoP challenge at a resource. */
export function invalidDpopProof(description: string, resource = false): OAuthError {
  return new OAuthError('invalid_dpop_proof', description, {
    status: resource ? 401 : 400,
    ...(resource ? { wwwAuthenticate: `DPoP error="invalid_dpop_proof", error_description="${description.replace(/"/g, "'")}"` } : {}),
  });
}

/**
 * The request's DPoP proof (RFC 9449 4), verified for this method and URL (`htu`: built from the issuer,
 * never from the Host header) and, when it accompanies an access token, that token; its jti is claimed
 * in the store so that no proof is accepted twice on any node within its window. Undefined without a
 * DPoP header.
 */
export async function readDpopProof(
  ctx: AppContext,
  request: FastifyRequest,
  htu: string,
  options: { accessToken?: string; resource?: boolean } = {},
): Promise<VerifiedDpopProof | undefined> {
  const header = request.headers.dpop;
  if (header === undefined) return undefined;
  if (Array.isArray(header) || header.includes(',')) throw invalidDpopProof('send exactly one DPoP proof', options.resource);
  const now = ctx.now();
  let proof: VerifiedDpopProof;
  try {
    proof = await verifyDpopProof(header.trim(), { htm: request.method, htu, now, ...(options.accessToken ? { accessToken: options.accessToken } : {}) });
  } catch (error) {
    if (error instanceof DpopProofRejected) throw invalidDpopProof(error.message, options.resource);
    throw error;
  }
  // kept until no clock within the window could accept the proof again
  const fresh = await ctx.store.dpopProofs.claim(sha256(`${proof.jkt}.${proof.jti}`), now + 2 * DPOP_IAT_WINDOW_SECONDS * 1000);
  if (!fresh) throw invalidDpopProof('the DPoP proof was already used: make a new proof (a new jti) for every request', options.resource);
  return proof;
}
