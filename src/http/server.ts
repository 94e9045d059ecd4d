import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import type { AppContext } from '../context.js';
import { installErrorHandler } from './error-handler.js';
import { hstsHeaderValue, setBaseHeaders } from './security-headers.js';
import { registerRoutes } from './routes.js';
import { ADMIN_API_PREFIX } from '../admin-api/routes.js';
import { sendProblem } from '../admin-api/problem.js';
import { lazySchemaController } from './lazy-schema-compilers.js';

/** Largest request body accepted on any endpoint (forms and tokens are small). */
const BODY_LIMIT = 64 * 1024;

/** TRUST_PROXY as Fastify's option: a number of hops becomes proxy-addr's "trust the n nearest hops". */
function trustProxyOption(setting: false | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    // request logging is our own onResponse line (no query strings: they can carry tokens)
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // route schemas (only the admin API has them) are compiled on their first request
    schemaController: lazySchemaController,
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 1024 },
    // a URL that cannot be routed (undecodable, too long a parameter): under the admin API a problem
    // document like its other errors; elsewhere Fastify's own 400 answer, as before
    frameworkErrors: (error, request, reply) => {
      if (request.url.startsWith(`${ctx.config.issuerPath}${ADMIN_API_PREFIX}/`)) return sendProblem(ctx, request as FastifyRequest, reply as FastifyReply, error);
      const status = error.statusCode ?? 400;
      return (reply as FastifyReply).code(status).send({ error: 'Bad Request', code: error.code, message: error.message, statusCode: status });
    },
  });

  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(cookie);

  const hsts = hstsHeaderValue(ctx.config);
  app.addHook('onRequest', async (request, reply) => {
    setBaseHeaders(reply, hsts);
    reply.header('X-Request-Id', request.id);
  });
  // one structured line per request: never the query string, body or headers (they carry secrets)
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
    // the route pattern, never the raw path: label values stay a bounded set
    ctx.metrics.request(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  installErrorHandler(app, ctx);
  await registerRoutes(app, ctx);
  return app;
}
