import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { pageError } from '../../errors/oauth-error.js';
import { setNoStore, setPageHeaders } from '../../http/security-headers.js';
import { SingleParams } from '../../http/single-params.js';
import { appendQuery } from '../../authorization/deliver.js';
import { stylesheetPath } from '../../pages/stylesheet-path.js';
import { signedOutPage } from '../../pages/signed-out-page.js';
import { SESSION_COOKIE, clearSessionCookie, readCookie } from '../../authorization/cookies.js';
import { sha256 } from '../../tokens/opaque.js';
import { resolveLogoutTarget } from './validate.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';

/** /connect/endsession (GET and POST): OpenID Connect RP-Initiated Logout 1.0. */
export function registerEndSession(app: FastifyInstance, ctx: AppContext): void {
  const options = { config: { errorStyle: 'page' as const } };
  app.get('/connect/endsession', options, (request, reply) => endSession(ctx, request, reply, SingleParams.fromQuery(request)));
  app.post('/connect/endsession', options, (request, reply) =>
    endSession(
      ctx,
      request,
      reply,
      SingleParams.fromForm(request, (d) => pageError(d)),
    ),
  );
  registerMethodNotAllowed(app, '/connect/endsession', ['GET', 'POST'], false);
}

async function endSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: SingleParams,
): Promise<FastifyReply> {
  const repeated = params.firstRepeated();
  if (repeated !== undefined) {
    throw pageError(`the parameter ${repeated.slice(0, 40)} must not be repeated`);
  }
  const page = (d: string) => pageError(d);
  const target = await resolveLogoutTarget(ctx, {
    idTokenHint: params.get('id_token_hint', page),
    clientId: params.get('client_id', page),
    postLogoutRedirectUri: params.get('post_logout_redirect_uri', page),
  });
  const state = params.get('state', page);

  // end the SSO session: the server-side record and the cookie
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  if (cookie) {
    const idHash = sha256(cookie);
    const session = await ctx.store.sessions.get(idHash);
    if (await ctx.store.sessions.end(idHash, ctx.now())) {
      ctx.log.info({ event: 'session_ended', sid: session?.sid, userId: session?.userId, clientId: target.clientId }, 'signed out');
    }
  }
  clearSessionCookie(reply, ctx.config);

  if (target.redirectUri !== undefined) {
    setNoStore(reply);
    return reply.code(303).header('Location', appendQuery(target.redirectUri, state === undefined ? {} : { state })).send();
  }
  setPageHeaders(reply);
  return reply
    .code(200)
    .type('text/html; charset=utf-8')
    .send(signedOutPage({ instanceName: ctx.config.instanceName, stylesheet: stylesheetPath(ctx.config), note: target.note }));
}
