import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { ACCOUNT_CLIENT_ID, ACCOUNT_SCOPE, accountCallbackUrl } from '../domain/built-in-apps.js';
import { s256Challenge } from '../checks/pkce-verifier.js';
import { setNoStore } from '../http/security-headers.js';
import { startPendingSignIn } from './sign-in-cookie.js';

export interface AccountSignInOptions {
  /** the account page to come back to ('' for the overview) */
  returnTo?: string;
  /** ask for a new sign-in even if the session is live (prompt=login, max_age=0) */
  reauthenticate?: boolean;
  loginHint?: string;
}

/**
 * Sends the browser through /connect/authorize as the account app: the sign-in pages apply every rule
 * (throttling, max_age, prompt=login, …) exactly as for any app. PKCE S256 and state, both bound to
 * this browser by the pending sign-in cookie until /account/callback.
 */
export function startAccountSignIn(ctx: AppContext, reply: FastifyReply, options: AccountSignInOptions = {}): FastifyReply {
  const { state, verifier } = startPendingSignIn(reply, ctx.config, options.returnTo ?? '');
  const params = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID,
    redirect_uri: accountCallbackUrl(ctx.config.issuer),
    response_type: 'code',
    scope: ACCOUNT_SCOPE,
    state,
    code_challenge: s256Challenge(verifier),
    code_challenge_method: 'S256',
  });
  if (options.reauthenticate) {
    params.set('prompt', 'login');
    params.set('max_age', '0');
  }
  if (options.loginHint) params.set('login_hint', options.loginHint);
  setNoStore(reply);
  return reply.code(303).header('Location', `${ctx.config.issuer}/connect/authorize?${params}`).send();
}
