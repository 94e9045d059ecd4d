import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { ENDPOINT_PATHS } from '../discovery/document.js';
import { cacheableJson, sendCacheableJson, type CacheableJson } from '../discovery/cacheable-json.js';
import { JWKS_MAX_AGE_SECONDS } from '../../keys/key-schedule.js';

/**
 * GET {issuer}/.well-known/openid-configuration/jwks: the published public signing keys (RFC 7517) of
 * every algorithm. Verifiers may cache it for JWKS_MAX_AGE_SECONDS: short, and new keys are published
 * longer than that before they sign (verifiers that meet an unknown `kid` re-fetch anyway).
 */
export function registerJwks(app: FastifyInstance, ctx: AppContext): void {
  let cached: { keys: unknown; doc: CacheableJson } | undefined;
  app.get(ENDPOINT_PATHS.jwks, async (request, reply) => {
    const jwks = await ctx.keys.jwks();
    // the key ring returns the same object until its keys change: serialise once per change
    if (cached?.keys !== jwks) cached = { keys: jwks, doc: cacheableJson(jwks) };
    return sendCacheableJson(request, reply, cached.doc, JWKS_MAX_AGE_SECONDS);
  });
}
