import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { ApiChanges, ApiInput } from '../admin/api-service.js';
import type { RegisteredApi } from '../domain/registered-api.js';
import { invalid } from '../errors/admin-error.js';
import { servicesFor } from './plugin-support.js';
import { errorResponses, iso, object, secretJson, secretSchema } from './schemas.js';

type ApiParams = { Params: { audience: string } };
type SecretParams = { Params: { audience: string; secretId: string } };

const apiSchema = object({
  audience: { type: 'string' },
  displayName: { type: 'string' },
  scopes: { type: 'array', items: { type: 'string' } },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
});
const audienceParams = object({ audience: { type: 'string', description: 'the API audience (URL-encoded)' } });
const scopes = { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] };
const tags = ['apis'];

function apiJson(api: RegisteredApi) {
  return { audience: api.audience, displayName: api.displayName, scopes: api.scopes, createdAt: iso(api.createdAt), updatedAt: iso(api.updatedAt) };
}

/** Registered APIs (protected resources) and their secrets, through ApiService (the rules of `trustgate api`). */
export function registerApiRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/apis', {
    schema: { tags, summary: 'List registered APIs', response: { 200: object({ apis: { type: 'array', items: apiSchema } }), ...errorResponses } },
  }, async (request) => ({ apis: (await servicesFor(ctx, request).apis.list()).map(apiJson) }));

  api.post('/apis', {
    schema: {
      tags,
      summary: 'Register an API (its secret, generated or given, authenticates it at introspection and the revocation feed; a generated one is shown once)',
      body: object({ audience: { type: 'string' }, displayName: { type: 'string' }, scopes, secret: { type: 'string' }, generateSecret: { type: 'boolean' } }, ['audience', 'displayName', 'scopes']),
      response: { 201: object({ api: apiSchema, generatedSecret: { type: 'string' } }, ['api']), ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await servicesFor(ctx, request).apis.create(request.body as ApiInput);
    return reply.code(201).send({ api: apiJson(result.api), ...(result.generatedSecret ? { generatedSecret: result.generatedSecret } : {}) });
  });

  api.get<ApiParams>('/apis/:audience', {
    schema: { tags, summary: 'Show an API and its secrets (never their values)', params: audienceParams, response: { 200: object({ api: apiSchema, secrets: { type: 'array', items: secretSchema } }), ...errorResponses } },
  }, async (request) => {
    const { api: found, secrets } = await servicesFor(ctx, request).apis.show(request.params.audience);
    return { api: apiJson(found), secrets: secrets.map(secretJson) };
  });

  api.patch<ApiParams>('/apis/:audience', {
    schema: { tags, summary: "Change an API's name or scopes", params: audienceParams, body: object({ displayName: { type: 'string' }, scopes }, []), response: { 200: object({ api: apiSchema }), ...errorResponses } },
  }, async (request) => ({ api: apiJson(await servicesFor(ctx, request).apis.update(request.params.audience, request.body as ApiChanges)) }));

  api.delete<ApiParams>('/apis/:audience', {
    schema: { tags, summary: 'Delete an API', params: audienceParams, response: { 204: { type: 'null' }, ...errorResponses } },
  }, async (request, reply) => {
    await servicesFor(ctx, request).apis.delete(request.params.audience);
    return reply.code(204).send();
  });

  api.post<ApiParams>('/apis/:audience/secrets', {
    schema: {
      tags,
      summary: "Add an API secret (a generated one is shown once)",
      params: audienceParams,
      body: object({ secret: { type: 'string' }, generateSecret: { type: 'boolean' }, expiresAt: { type: 'string', format: 'date-time' }, description: { type: 'string' } }, []),
      response: { 201: object({ secret: secretSchema, generatedSecret: { type: 'string' } }, ['secret']), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { secret?: string; generateSecret?: boolean; expiresAt?: string; description?: string };
    const expiresAt = body.expiresAt === undefined ? undefined : Date.parse(body.expiresAt);
    if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw invalid('secret_expiry_invalid', 'expiresAt must be a date-time', ['expiresAt']);
    const result = await servicesFor(ctx, request).apis.addSecret(request.params.audience, { ...body, expiresAt });
    return reply.code(201).send({ secret: secretJson(result.secret), ...(result.generatedSecret ? { generatedSecret: result.generatedSecret } : {}) });
  });

  api.post<SecretParams>('/apis/:audience/secrets/:secretId/revoke', {
    schema: {
      tags,
      summary: "Revoke an API secret (the last active one only with force)",
      params: object({ audience: { type: 'string' }, secretId: { type: 'string' } }),
      body: object({ force: { type: 'boolean' } }, []),
      response: { 200: object({ secret: secretSchema }), ...errorResponses },
    },
  }, async (request) => {
    const force = (request.body as { force?: boolean } | undefined)?.force === true;
    return { secret: secretJson(await servicesFor(ctx, request).apis.revokeSecret(request.params.audience, request.params.secretId, { force })) };
  });
}
