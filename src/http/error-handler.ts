import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, invalidRequest, serverError } from '../errors/oauth-error.js';
import { errorPage } from '../pages/error-page.js';
import { setNoStore, setPageHeaders } from './security-headers.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import type { AppContext } from '../context.js';
import { recordRefusal } from './refusal-audit.js';

/** How a route reports errors: JSON (token, revocation, ...) or an HTML page (authorize, end-session, ...). */
export type ErrorStyle = 'json' | 'page';

declare module 'fastify' {
  interface FastifyContextConfig {
    errorStyle?: ErrorStyle;
  }
}

/** Turns any error into a JSON body or an HTML page. Nothing ever answers with a stack trace. */
export function installErrorHandler(app: FastifyInstance, ctx: AppContext): void {
  app.setErrorHandler(async (error: FastifyError | OAuthError | Error, request, reply) => {
    const oauth = toOAuthError(error);
    if (oauth.status >= 500) {
      request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    } else if (oauth.detail) {
      request.log.info({ error: oauth.code, detail: oauth.detail }, 'request refused');
    }
    // the app's failure trail (when the request names a registered app); never throws
    await recordRefusal(ctx, request, oauth);
    sendError(ctx, request, reply, oauth);
    return reply;
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', error_description: `no endpoint at ${request.method} ${request.url.split('?')[0]}` });
  });
}

export function sendError(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, error: OAuthError): void {
  const style: ErrorStyle = request.routeOptions.config?.errorStyle ?? 'json';
  reply.code(error.status);
  if (error.wwwAuthenticate) reply.header('WWW-Authenticate', error.wwwAuthenticate);
  if (style === 'page') {
    setPageHeaders(reply);
    reply.type('text/html; charset=utf-8').send(
      errorPage({
        instanceName: ctx.config.instanceName,
        stylesheet: stylesheetPath(ctx.config),
        code: error.code,
        description: error.description,
        requestId: error.status >= 500 ? String(request.id) : undefined,
      }),
    );
    return;
  }
  setNoStore(reply);
  reply.send(error.toJSON());
}

/** Maps framework and unexpected errors onto OAuth errors. */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return invalidRequest(describeClientError(fastifyError), { detail: fastifyError.code });
  }
  return serverError(error instanceof Error ? error.message : String(error));
}

function describeClientError(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'the request body must be application/x-www-form-urlencoded';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'the request body is malformed';
    default:
      return 'the request is malformed';
  }
}
