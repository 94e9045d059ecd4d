import { requestMessages } from '../../http/page-language.js';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import type { User } from '../../domain/user.js';
import { setNoStore, setPageHeaders } from '../../http/security-headers.js';
import { appendQuery } from '../../authorization/deliver.js';
import { clearSessionCookie } from '../../authorization/cookies.js';
import { signOutCsrfToken } from '../../authorization/csrf.js';
import { stylesheetPath } from '../../pages/stylesheet-path.js';
import { signedOutPage } from '../../pages/signed-out-page.js';
import { confirmSignOutPage, stillSignedInPage } from '../../pages/sign-out-page.js';
import { sha256 } from '../../tokens/opaque.js';
import type { LogoutRequest, LogoutTarget } from './validate.js';

export const CONFIRM_PATH = '/connect/endsession/confirm';

/** Sends the browser to the app's registered logout URI (with state), when the request earned it. */
function returnToApp(reply: FastifyReply, target: LogoutTarget, state: string | undefined): FastifyReply | undefined {
  if (target.redirectUri === undefined) return undefined;
  setNoStore(reply);
  return reply.code(303).header('Location', appendQuery(target.redirectUri, state === undefined ? {} : { state })).send();
}

function page(reply: FastifyReply, body: string): FastifyReply {
  setPageHeaders(reply);
  return reply.code(200).type('text/html; charset=utf-8').send(body);
}

/** Ends the SSO session (the record and the cookie), then returns to the app or shows the signed-out page. */
export async function signOut(
  ctx: AppContext,
  reply: FastifyReply,
  sessionCookie: string | undefined,
  target: LogoutTarget,
  state: string | undefined,
): Promise<FastifyReply> {
  if (sessionCookie !== undefined) {
    const idHash = sha256(sessionCookie);
    const session = await ctx.store.sessions.get(idHash);
    if (await ctx.store.sessions.end(idHash, ctx.now(), { logout: true })) {
      ctx.log.info({ event: 'session_ended', sid: session?.sid, userId: session?.userId, clientId: target.clientId }, 'signed out');
    }
  }
  clearSessionCookie(reply, ctx.config);
  return (
    returnToApp(reply, target, state) ??
    page(reply, signedOutPage({ instanceName: ctx.config.instanceName, stylesheet: stylesheetPath(ctx.config), note: target.note, messages: requestMessages(reply.request) }))
  );
}

/**
 * The confirmation page (RP-Initiated Logout 1.0 section 2): its form posts the request's parameters
 * back with a CSRF token derived from this browser's session cookie.
 */
export function askToSignOut(
  ctx: AppContext,
  reply: FastifyReply,
  sessionCookie: string,
  user: User,
  input: LogoutRequest,
  target: LogoutTarget,
): FastifyReply {
  const fields: Record<string, string> = {};
  if (input.idTokenHint !== undefined) fields.id_token_hint = input.idTokenHint;
  if (input.clientId !== undefined) fields.client_id = input.clientId;
  if (input.postLogoutRedirectUri !== undefined) fields.post_logout_redirect_uri = input.postLogoutRedirectUri;
  if (input.state !== undefined) fields.state = input.state;
  // the answer may be followed by a redirect to the app: form-action must allow it (Chromium enforces it)
  setPageHeaders(reply, target.redirectUri === undefined ? [] : [target.redirectUri]);
  return reply.code(200).type('text/html; charset=utf-8').send(
    confirmSignOutPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      userName: user.displayName ? `${user.displayName} (${user.login})` : user.login,
      action: `${ctx.config.issuerPath}${CONFIRM_PATH}`,
      csrf: signOutCsrfToken(sessionCookie),
      fields,
      messages: requestMessages(reply.request),
    }),
  );
}

/** The user chose to stay signed in: back to the app when the request earned it, else a page saying so. */
export function staySignedIn(ctx: AppContext, reply: FastifyReply, target: LogoutTarget, state: string | undefined): FastifyReply {
  ctx.log.info({ event: 'sign_out_declined', clientId: target.clientId }, 'stayed signed in');
  return (
    returnToApp(reply, target, state) ??
    page(reply, stillSignedInPage({ instanceName: ctx.config.instanceName, stylesheet: stylesheetPath(ctx.config), messages: requestMessages(reply.request) }))
  );
}
