import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppService, type AppChanges, type NewAppInput } from '../admin/app-service.js';
import { AccessService } from '../admin/access-service.js';
import { invalid } from '../errors/admin-error.js';
import { servicesFor } from './plugin-support.js';
import {
  appJson,
  appSchema,
  appWritable,
  errorResponses,
  familyJson,
  familySchema,
  object,
  secretJson,
  secretSchema,
} from './schemas.js';

type AppParams = { Params: { clientId: string } };
type SecretParams = { Params: { clientId: string; secretId: string } };

const clientIdParams = object({ clientId: { type: 'string', description: 'the ApplicationUri (URL-encoded)' } });
const appResult = object({ app: appSchema, generatedSecret: { type: 'string', description: 'shown exactly once' } }, ['app']);
const tags = ['apps'];

/** Trusted Applications and their secrets, through AppService (the same rules as `trustgate app`). */
export function registerAppRoutes(api: FastifyInstance, ctx: AppContext): void {

  api.get('/apps', {
    schema: { tags, summary: 'List apps', response: { 200: object({ apps: { type: 'array', items: appSchema } }), ...errorResponses } },
  }, async (request) => ({ apps: (await servicesFor(ctx, request).apps.list()).map(appJson) }));

  api.post('/apps', {
    schema: {
      tags,
      summary: 'Register an app (a generated secret is shown once)',
      body: object({ clientId: { type: 'string' }, ...appWritable }, ['clientId', 'displayName', 'clientType', 'loginRedirectUris']),
      response: { 201: appResult, ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await servicesFor(ctx, request).apps.create(request.body as NewAppInput);
    return reply.code(201).send({ app: appJson(result.app), ...(result.generatedSecret ? { generatedSecret: result.generatedSecret } : {}) });
  });

  const lintResult = object({
    apps: { type: 'integer', description: 'how many apps were checked' },
    warnings: { type: 'array', items: object({ clientId: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } }) },
  });
  api.get('/lint', {
    schema: { tags, summary: 'Registrations that work but are risky, for every app (the rules of trustgate app lint)', response: { 200: lintResult, ...errorResponses } },
  }, async (request) => servicesFor(ctx, request).lint.lint());

  api.get<AppParams>('/apps/:clientId/lint', {
    schema: { tags, summary: "The app's lint warnings", params: clientIdParams, response: { 200: lintResult, ...errorResponses } },
  }, async (request) => servicesFor(ctx, request).lint.lint(request.params.clientId));

  api.get<AppParams>('/apps/:clientId', {
    schema: {
      tags,
      summary: 'Show an app and its secrets (never their values)',
      params: clientIdParams,
      response: { 200: object({ app: appSchema, secrets: { type: 'array', items: secretSchema } }), ...errorResponses },
    },
  }, async (request) => {
    const { app, secrets } = await servicesFor(ctx, request).apps.show(request.params.clientId);
    return { app: appJson(app), secrets: secrets.map(secretJson) };
  });

  api.patch<AppParams>('/apps/:clientId', {
    schema: {
      tags,
      summary: 'Change an app (lists replace the old ones)',
      params: clientIdParams,
      body: object(appWritable, []),
      response: { 200: appResult, ...errorResponses },
    },
  }, async (request) => {
    const result = await servicesFor(ctx, request).apps.update(request.params.clientId, request.body as AppChanges);
    return { app: appJson(result.app), ...(result.generatedSecret ? { generatedSecret: result.generatedSecret } : {}) };
  });

  api.delete<AppParams>('/apps/:clientId', {
    schema: { tags, summary: 'Delete an app (its refresh tokens are revoked)', params: clientIdParams, response: { 204: { type: 'null' }, ...errorResponses } },
  }, async (request, reply) => {
    await servicesFor(ctx, request).apps.delete(request.params.clientId);
    return reply.code(204).send();
  });

  for (const action of ['enable', 'disable'] as const) {
    api.post<AppParams>(`/apps/:clientId/${action}`, {
      schema: {
        tags,
        summary: action === 'enable' ? 'Enable an app' : 'Disable an app (the kill switch)',
        params: clientIdParams,
        response: { 200: object({ app: appSchema }), ...errorResponses },
      },
    }, async (request) => {
      const app = action === 'enable' ? await servicesFor(ctx, request).apps.enable(request.params.clientId) : await servicesFor(ctx, request).apps.disable(request.params.clientId);
      return { app: appJson(app) };
    });
  }

  api.get<AppParams>('/apps/:clientId/secrets', {
    schema: {
      tags,
      summary: "List an app's secrets (never their values)",
      params: clientIdParams,
      response: { 200: object({ secrets: { type: 'array', items: secretSchema } }), ...errorResponses },
    },
  }, async (request) => ({ secrets: (await servicesFor(ctx, request).apps.listSecrets(request.params.clientId)).map(secretJson) }));

  api.post<AppParams>('/apps/:clientId/secrets', {
    schema: {
      tags,
      summary: 'Add a secret (a generated one is shown once); several may be active while rotating',
      params: clientIdParams,
      body: object(
        { secret: { type: 'string' }, generateSecret: { type: 'boolean' }, expiresAt: { type: 'string', format: 'date-time' }, description: { type: 'string' } },
        [],
      ),
      response: { 201: object({ secret: secretSchema, generatedSecret: { type: 'string' } }, ['secret']), ...errorResponses },
    },
  }, async (request: FastifyRequest<AppParams>, reply) => {
    const body = request.body as { secret?: string; generateSecret?: boolean; expiresAt?: string; description?: string };
    const expiresAt = body.expiresAt === undefined ? undefined : Date.parse(body.expiresAt);
    if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw invalid('secret_expiry_invalid', 'expiresAt must be a date-time', ['expiresAt']);
    const result = await servicesFor(ctx, request).apps.addSecret(request.params.clientId, { ...body, expiresAt });
    return reply.code(201).send({ secret: secretJson(result.secret), ...(result.generatedSecret ? { generatedSecret: result.generatedSecret } : {}) });
  });

  api.post<SecretParams>('/apps/:clientId/secrets/:secretId/revoke', {
    schema: {
      tags,
      summary: "Revoke a secret (the app's last active one only with force)",
      params: object({ clientId: { type: 'string' }, secretId: { type: 'string' } }),
      body: object({ force: { type: 'boolean' } }, []),
      response: { 200: object({ secret: secretSchema }), ...errorResponses },
    },
  }, async (request) => {
    const force = (request.body as { force?: boolean } | undefined)?.force === true;
    const secret = await servicesFor(ctx, request).apps.revokeSecret(request.params.clientId, request.params.secretId, { force });
    return { secret: secretJson(secret) };
  });

  api.get<AppParams>('/apps/:clientId/refresh-families', {
    schema: {
      tags,
      summary: "The app's live refresh-token families",
      params: clientIdParams,
      response: { 200: object({ families: { type: 'array', items: familySchema } }), ...errorResponses },
    },
  }, async (request) => ({ families: (await servicesFor(ctx, request).access.familiesOfApp(request.params.clientId)).map(familyJson) }));
}
