import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { OAuthError } from '../errors/oauth-error.js';
import { DPOP_IAT_WINDOW_SECONDS, DpopProofRejected, verifyDpopProof, type VerifiedDpopProof } from '../tokens/dpop-proof.js';
import { randomToken, sha256 } from '../tokens/opaque.js';
import { currentDpopNonce, isCurrentDpopNonce } from '../tokens/dpop-nonce.js';
import type { Store } from '../stores/store.js';

/** invalid_dpop_proof (RFC 9449 7.1): 400 at the token endpoint, 401 with a DPoP challenge at a resource. */
export function invalidDpopProof(description: string, resource = false): OAuthError {
  return new OAuthError('invalid_dpop_proof', description, {
    status: resource ? 401 : 400,
    ...(resource ? { wwwAuthenticate: `DPoP error="invalid_dpop_proof", error_description="${description.replace(/"/g, "'")}"` } : {}),
  });
}

/** use_dpop_nonce (RFC 9449 8, 9): 400 at the token endpoint, 401 with a DPoP challenge at a resource. */
export function useDpopNonce(description: string, resource = false): OAuthError {
  return new OAuthError('use_dpop_nonce', description, {
    status: resource ? 401 : 400,
    ...(resource ? { wwwAuthenticate: `DPoP error="use_dpop_nonce", error_description="${description.replace(/"/g, "'")}"` } : {}),
  });
}

const NONCE_SECRET_NAME = 'dpop-nonce-mac-key';
const nonceKeys = new WeakMap<Store, Promise<string>>();

/** The key DPoP nonces are MACed with: one random secret per installation, shared by every node. */
function nonceKey(ctx: AppContext): Promise<string> {
  let key = nonceKeys.get(ctx.store);
  if (!key) {
    key = ctx.store.serverSecrets.getOrCreate(NONCE_SECRET_NAME, randomToken(32), ctx.now());
    key.catch(() => nonceKeys.delete(ctx.store));
    nonceKeys.set(ctx.store, key);
  }
  return key;
}

/**
 * onRequest hook of the endpoints that take DPoP proofs: with DPOP_NONCE, every answer (errors too)
 * carries the current nonce in `DPoP-Nonce` (RFC 9449 8.2) for the app's next proof.
 */
export function dpopNonceHeader(ctx: AppContext) {
  return async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!ctx.config.dpopNonce) return;
    reply.header('DPoP-Nonce', currentDpopNonce(await nonceKey(ctx), ctx.now()));
  };
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
  // RFC 9449 8: with DPOP_NONCE the proof must carry a nonce of ours, current (any node's); checked
  // before the jti is claimed, since the app retries with a new proof anyway
  if (ctx.config.dpopNonce) {
    if (proof.nonce === undefined) {
      throw useDpopNonce('the DPoP proof must carry a nonce: make a new proof with the DPoP-Nonce header\'s value as its nonce', options.resource);
    }
    if (!isCurrentDpopNonce(await nonceKey(ctx), proof.nonce, now)) {
      throw useDpopNonce('the DPoP proof\'s nonce is not a current one: make a new proof with the latest DPoP-Nonce header\'s value', options.resource);
    }
  }
  // kept until no clock within the window could accept the proof again
  const fresh = await ctx.store.dpopProofs.claim(sha256(`${proof.jkt}.${proof.jti}`), now + 2 * DPOP_IAT_WINDOW_SECONDS * 1000);
  if (!fresh) throw invalidDpopProof('the DPoP proof was already used: make a new proof (a new jti) for every request', options.resource);
  return proof;
}
