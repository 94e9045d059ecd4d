import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A public JSON document, serialised once with its strong ETag. */
export interface CacheableJson {
  body: string;
  etag: string;
}

export function cacheableJson(value: unknown): CacheableJson {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

/**
 * Sends a public, cacheable JSON document (discovery, JWKS): shared caches may keep it for `maxAgeSeconds`,
 * conditional requests get 304, and any origin may read it (SPAs fetch discovery from the browser).
 */
export function sendCacheableJson(
  request: FastifyRequest,
  reply: FastifyReply,
  doc: CacheableJson,
  maxAgeSeconds: number,
  contentType = 'application/json; charset=utf-8',
): FastifyReply {
  reply.header('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  reply.header('ETag', doc.etag);
  reply.header('Access-Control-Allow-Origin', '*');
  reply.header('Vary', 'Accept-Encoding');
  if (etagMatches(request.headers['if-none-match'], doc.etag)) return reply.code(304).send();
  return reply.type(contentType).send(doc.body);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
