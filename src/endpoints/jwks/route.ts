import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { ENDPOINT_PATHS } from '../discovery/document.js';
import { cacheableJson, sendCacheableJson, type CacheableJson } from '../discovery/cacheable-json.js';

/**
 * How long verifiers may cache the key set. Short, so a rotation reaches them quickly; verifiers that
 * meet an unknown `kid` re-fetch anyway (jose's createRemoteJWKSet does).
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/** GET {issuer}/.well-known/openid-configuration/jwks: the published public signing keys (RFC 7517). */
export function registerJwks(app: FastifyInstance, ctx: AppContext): void {
  let cached: { keys: unknown; doc: CacheableJson } | undefined;
  app.get(ENDPOINT_PATHS.jwks, async (request, reply) => {
    const jwks = await ctx.keys.jwks();
    // the key ring returns the same object until its keys change: serialise once per change
    if (cached?.keys !== jwks) cached = { keys: jwks, doc: cacheableJson(jwks) };
    return sendCacheableJson(request, reply, cached.doc, JWKS_MAX_AGE_SECONDS);
  });
}
