import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { NewReferenceTokenInput, ReferenceTokenInfo } from '../admin/reference-token-service.js';
import { servicesFor } from './plugin-support.js';
import { errorResponses, iso, object } from './schemas.js';

const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] };
const tokenSchema = object({
  id: { type: 'string' },
  userId: { type: 'string' },
  login: nullableString,
  clientId: { type: 'string' },
  scope: { type: 'array', items: { type: 'string' } },
  description: nullableString,
  createdBy: { type: 'string', enum: ['admin', 'user'] },
  createdAt: { type: 'string', format: 'date-time' },
  expiresAt: { type: 'string', format: 'date-time' },
  revokedAt: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
  status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
});
const tags = ['reference tokens'];

function tokenJson(token: ReferenceTokenInfo) {
  return { ...token, createdAt: iso(token.createdAt), expiresAt: iso(token.expiresAt), revokedAt: iso(token.revokedAt) };
}

/** Long-lived reference tokens, through ReferenceTokenService (the rules of `trustgate token`). */
export function registerTokenRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/reference-tokens', {
    schema: {
      tags,
      summary: 'List reference tokens (never their values)',
      querystring: object({ user: { type: 'string' }, app: { type: 'string' } }, []),
      response: { 200: object({ tokens: { type: 'array', items: tokenSchema } }), ...errorResponses },
    },
  }, async (request) => {
    const query = request.query as { user?: string; app?: string };
    const tokens = await servicesFor(ctx, request).tokens.list({ ...(query.user ? { user: query.user } : {}), ...(query.app ? { clientId: query.app } : {}) });
    return { tokens: tokens.map(tokenJson) };
  });

  api.post('/reference-tokens', {
    schema: {
      tags,
      summary: "Issue a reference token for a user and an app (the app's accessTokens must allow administrators; the value is shown once)",
      body: object(
        { user: { type: 'string' }, clientId: { type: 'string' }, scope: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] }, expiresIn: { type: 'integer', minimum: 1 }, description: { type: 'string' } },
        ['user', 'clientId', 'scope', 'expiresIn'],
      ),
      response: { 201: object({ token: tokenSchema, value: { type: 'string', description: 'shown exactly once' } }), ...errorResponses },
    },
  }, async (request, reply) => {
    const { token, value } = await servicesFor(ctx, request).tokens.create(request.body as NewReferenceTokenInput, { kind: 'admin' });
    return reply.code(201).send({ token: tokenJson(token), value });
  });

  api.post<{ Params: { id: string } }>('/reference-tokens/:id/revoke', {
    schema: { tags, summary: 'Revoke a reference token', params: object({ id: { type: 'string' } }), response: { 200: object({ token: tokenSchema }), ...errorResponses } },
  }, async (request) => ({ token: tokenJson(await servicesFor(ctx, request).tokens.revoke(request.params.id, { kind: 'admin' })) }));
}
