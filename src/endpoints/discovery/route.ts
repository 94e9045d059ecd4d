import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { discoveryDocument, ENDPOINT_PATHS } from './document.js';
import { cacheableJson, sendCacheableJson } from './cacheable-json.js';

/** How long clients and shared caches may keep the discovery document. */
export const DISCOVERY_MAX_AGE_SECONDS = 300;

/** GET {issuer}/.well-known/openid-configuration (OpenID Connect Discovery 1.0 section 4). */
export function registerDiscovery(app: FastifyInstance, ctx: AppContext): void {
  const doc = cacheableJson(discoveryDocument(ctx.config));
  app.get(ENDPOINT_PATHS.discovery, async (request, reply) =>
    sendCacheableJson(request, reply, doc, DISCOVERY_MAX_AGE_SECONDS),
  );
}
