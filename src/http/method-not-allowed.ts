import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../errors/oauth-error.js';

const ALL = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/**
 * Answers other methods on a protocol endpoint with 405 invalid_request and an Allow header
 * (`withOptions`: the endpoint also answers CORS preflights).
 */
export function registerMethodNotAllowed(
  app: FastifyInstance,
  path: string,
  allowed: readonly string[],
  withOptions = true,
): void {
  const others = ALL.filter((method) => !allowed.includes(method));
  if (others.length === 0) return;
  app.route({
    method: [...others],
    url: path,
    exposeHeadRoute: false,
    handler: async (_request, reply) => {
      reply.header('Allow', [...allowed, ...(withOptions ? ['OPTIONS'] : [])].join(', '));
      throw new OAuthError('invalid_request', `use ${allowed.join(' or ')} at this endpoint`, { status: 405 });
    },
  });
}
