import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { pageError } from '../../errors/oauth-error.js';
import { SingleParams } from '../../http/single-params.js';
import { SESSION_COOKIE, readCookie } from '../../authorization/cookies.js';
import { signOutCsrfMatches } from '../../authorization/csrf.js';
import { liveSessionByHash } from '../../authorization/sessions.js';
import { sha256 } from '../../tokens/opaque.js';
import { readLogoutRequest, resolveLogoutTarget } from './validate.js';
import { CONFIRM_PATH, askToSignOut, signOut, staySignedIn } from './respond.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';

/**
 * /connect/endsession (GET and POST): OpenID Connect RP-Initiated Logout 1.0, and the POST of its
 * confirmation page.
 */
export function registerEndSession(app: FastifyInstance, ctx: AppContext): void {
  const options = { config: { errorStyle: 'page' as const } };
  const form = (request: FastifyRequest) => SingleParams.fromForm(request, (d) => pageError(d));
  app.get('/connect/endsession', options, (request, reply) => endSession(ctx, request, reply, SingleParams.fromQuery(request)));
  app.post('/connect/endsession', options, (request, reply) => endSession(ctx, request, reply, form(request)));
  app.post(CONFIRM_PATH, options, (request, reply) => confirmEndSession(ctx, request, reply, form(request)));
  registerMethodNotAllowed(app, '/connect/endsession', ['GET', 'POST'], false);
  registerMethodNotAllowed(app, CONFIRM_PATH, ['POST'], false);
}

/**
 * Signs out at once when there is nothing to protect (no live session) or the request carries a valid
 * id_token_hint naming the signed-in user; otherwise asks the user first (RP-Initiated Logout 1.0
 * sections 2 and 6: a cross-site link alone must not sign anyone out).
 */
async function endSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, params: SingleParams): Promise<FastifyReply> {
  const input = readLogoutRequest(params);
  const target = await resolveLogoutTarget(ctx, input);
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  const live = cookie === undefined ? undefined : await liveSessionByHash(ctx, sha256(cookie));
  if (live && target.hintSubject !== live.user.id) return askToSignOut(ctx, reply, cookie!, live.user, input, target);
  return signOut(ctx, reply, cookie, target, input.state);
}

/** POST of the confirmation page: decision=logout signs out, decision=stay keeps the session. */
async function confirmEndSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, form: SingleParams): Promise<FastifyReply> {
  const input = readLogoutRequest(form);
  const target = await resolveLogoutTarget(ctx, input);
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  // no session in this browser: nothing to end and nothing to protect
  if (cookie === undefined) return signOut(ctx, reply, undefined, target, input.state);
  if (!signOutCsrfMatches(form.get('csrf', (d) => pageError(d)), cookie)) {
    throw pageError('The sign-out form could not be verified (CSRF token missing or wrong). Go back to the app and sign out again.', { status: 403 });
  }
  const decision = form.get('decision', (d) => pageError(d));
  if (decision === 'logout') return signOut(ctx, reply, cookie, target, input.state);
  if (decision === 'stay') return staySignedIn(ctx, reply, target, input.state);
  throw pageError('The sign-out form must be sent with decision=logout or decision=stay.');
}
