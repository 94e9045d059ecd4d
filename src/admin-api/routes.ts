import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { AppContext } from '../context.js';
import { setNoStore } from '../http/security-headers.js';
import { authenticateAdmin } from './authenticate.js';
import { ApiProblem, sendProblem } from './problem.js';
import { problemSchema } from './schemas.js';
import { registerAppRoutes } from './apps.js';
import { registerUserRoutes } from './users.js';
import { registerKeyRoutes } from './keys.js';
import { registerSessionRoutes } from './sessions.js';
import { registerAuditRoutes } from './audit-events.js';
import { registerApiRoutes } from './apis.js';
import { registerTokenRoutes } from './tokens.js';

/** Where the admin API lives below the issuer. */
export const ADMIN_API_PREFIX = '/admin/api/v1';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** an admin API route anyone may read (only the OpenAPI document) */
    publicAdminRoute?: boolean;
  }
}

/**
 * The admin HTTP API `{issuer}/admin/api/v1/`: JSON over the admin services (the CLI's rule set), every
 * route with JSON schemas, described by the OpenAPI 3.1 document at `openapi.json`. Every other route
 * needs a `trustgate:admin` bearer token (authenticate.ts); errors are RFC 9457 problem documents. No
 * cookies are read and no CORS headers are sent: a browser page on another origin cannot call it.
 */
export async function registerAdminApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(
    async (api) => {
      const origin = new URL(ctx.config.issuer).origin;
      await api.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: `${ctx.config.instanceName} admin API`,
            version: '1',
            description:
              'Manage apps, users, signing keys, sessions and refresh tokens. Every call needs an access token issued by ' +
              'this server with the scope trustgate:admin, for an administrator. Errors are RFC 9457 problem documents.',
          },
          servers: [{ url: origin }],
          components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
          security: [{ bearer: [] }],
        },
      });
      api.addSchema(problemSchema);

      // JSON only: a form body (which a cross-site HTML form could send) is refused
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, api.getDefaultJsonParser('error', 'error'));

      api.setErrorHandler((error, request, reply) => sendProblem(ctx, request, reply, error));
      api.setNotFoundHandler((request, reply) =>
        sendProblem(ctx, request, reply, new ApiProblem(404, 'no_such_route', `no admin API route at ${request.method} ${request.url.split('?')[0]}`)),
      );
      api.addHook('onRequest', async (request, reply) => {
        setNoStore(reply);
        if (request.routeOptions.config?.publicAdminRoute) return;
        request.adminActor = await authenticateAdmin(ctx, request);
      });

      api.get('/openapi.json', { schema: { hide: true }, config: { publicAdminRoute: true } }, async () => api.swagger());
      registerAppRoutes(api, ctx);
      registerUserRoutes(api, ctx);
      registerSessionRoutes(api, ctx);
      registerKeyRoutes(api, ctx);
      registerAuditRoutes(api, ctx);
      registerApiRoutes(api, ctx);
      registerTokenRoutes(api, ctx);
    },
    { prefix: ADMIN_API_PREFIX },
  );
}
