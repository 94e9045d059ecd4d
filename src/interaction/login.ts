import type { Messages } from '../pages/messages/index.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { pageError } from '../errors/oauth-error.js';
import { loadBoundInteraction } from './load.js';
import { renderLogin } from './render.js';
import { attemptPassword } from '../authorization/password-attempt.js';
import { readDeviceCookie } from '../authorization/device-cookie.js';
import type { ThrottleLimit } from '../domain/throttle.js';
import { interactionUrl } from '../authorization/sign-in.js';
import { continueSignIn } from './finish-sign-in.js';
import { refuseAfterFirstFactor } from './first-factor-checks.js';

export const INVALID_CREDENTIALS = 'Invalid login or password.';
const MAX_LOGIN_LENGTH = 200;

/**
 * POST /connect/interaction/:id/login — checks the password, throttled (authorization/password-attempt.ts;
 * same cost for unknown users), refuses disabled users and user kinds the app does not allow, then starts
 * continues: a second factor when this sign-in needs one (finish-sign-in.ts), otherwise the session, the
 * device cookie, consent or the app.
 */
export async function submitLogin(
  ctx: AppContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const { interaction, app } = bound;
  if (interaction.userId !== null) {
    // already signed in during this interaction (e.g. the form was sent twice): go on to the next page
    return reply.code(303).header('Cache-Control', 'no-store').header('Location', interactionUrl(ctx, interaction.id)).send();
  }
  const fail = (description: string) => pageError(description);
  const login = bound.form.get('login', fail)?.trim();
  const password = bound.form.get('password', fail);
  if (!login || !password) {
    return renderLogin(ctx, reply, bound, { status: 400, login, error: (m) => m.login.missing });
  }
  if (login.length > MAX_LOGIN_LENGTH) {
    return renderLogin(ctx, reply, bound, { status: 400, login: '', error: (m) => m.login.invalid });
  }
  const device = await readDeviceCookie(ctx, request);
  const attempt = await attemptPassword(ctx, { login, password, ip: request.ip, device, clientId: app.clientId });
  if (attempt.kind === 'refused') {
    const minutes = Math.max(1, Math.ceil(attempt.retryAfterMs / 60_000));
    reply.header('Retry-After', String(Math.max(1, Math.ceil(attempt.retryAfterMs / 1000))));
    return renderLogin(ctx, reply, bound, { status: 429, login, error: (m) => throttledMessage(m, attempt.limit, minutes) });
  }
  if (attempt.kind === 'failed') return renderLogin(ctx, reply, bound, { status: 401, login, error: (m) => m.login.invalid });
  const { user } = attempt;
  const refused = refuseAfterFirstFactor(ctx, reply, bound, user);
  if (refused) return refused;
  return continueSignIn(ctx, request, reply, bound, user, ['pwd']);
}

/** What the login page says when a throttle limit refused the attempt (the same for known and unknown logins). */
function throttledMessage(m: Messages, limit: ThrottleLimit, minutes: number): string {
  switch (limit) {
    case 'source':
      return m.login.throttledSource(minutes);
    case 'account':
      return m.login.throttledAccount(minutes);
    default:
      return m.login.throttledOther(minutes);
  }
}
