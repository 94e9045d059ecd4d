import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { TokenGrant } from '../domain/token-claims.js';
import { ACCOUNT_CLIENT_ID, accountCallbackUrl } from '../domain/built-in-apps.js';
import { OAuthError, pageError } from '../errors/oauth-error.js';
import { redeemFirstPartyCode } from '../authorization/first-party-code.js';
import { SingleParams } from '../http/single-params.js';
import { setNoStore } from '../http/security-headers.js';
import { currentSession } from '../authorization/sessions.js';
import { clearPendingSignIn, pendingSignInFor } from './sign-in-cookie.js';
import { accountUrl } from './paths.js';
import { sendMessage } from './render.js';

const NOT_COMPLETED = 'Sign-in not completed';

/**
 * GET /account/callback — the answer of /connect/authorize to the account app. The state must be this
 * browser's pending sign-in; the code is redeemed here, in-process, through the real authorization_code
 * grant (single use, PKCE-verified), and the tokens are thrown away: the account pages use the SSO
 * session, which must be the one the code was issued for.
 */
export async function accountCallback(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const params = SingleParams.fromQuery(request);
  const fail = (description: string) => pageError(description);
  const pending = pendingSignInFor(request, ctx.config, params.get('state', fail));
  clearPendingSignIn(reply, ctx.config);
  if (!pending) {
    return refuse(ctx, reply, 'This sign-in could not be matched to this browser: it has expired, or was started in another tab or browser.');
  }
  if (params.get('iss', fail) !== ctx.config.issuer) {
    return refuse(ctx, reply, 'The answer to this sign-in did not come from this server.');
  }
  const error = params.get('error', fail);
  if (error !== undefined) {
    const description = params.get('error_description', fail) ?? error;
    return refuse(ctx, reply, `The sign-in ended without success: ${description}.`);
  }
  const code = params.get('code', fail);
  if (code === undefined) return refuse(ctx, reply, 'The answer to this sign-in carried no authorization code.');

  let grant: TokenGrant;
  try {
    grant = await redeem(ctx, code, pending.verifier);
  } catch (problem) {
    if (!(problem instanceof OAuthError) || problem.status >= 500) throw problem;
    return refuse(ctx, reply, `The sign-in could not be completed: ${problem.description}.`);
  }
  const live = await currentSession(ctx, request);
  if (!live || live.session.sid !== grant.sid) {
    return refuse(ctx, reply, 'Your session ended during the sign-in.');
  }
  setNoStore(reply);
  return reply.code(303).header('Location', accountUrl(ctx, pending.returnTo)).send();
}

/** The token request the account app would send, answered in-process; returns what the code granted. */
function redeem(ctx: AppContext, code: string, verifier: string): Promise<TokenGrant> {
  return redeemFirstPartyCode(ctx, ACCOUNT_CLIENT_ID, accountCallbackUrl(ctx.config.issuer), code, verifier);
}

function refuse(ctx: AppContext, reply: FastifyReply, message: string): FastifyReply {
  return sendMessage(ctx, reply, 400, { title: NOT_COMPLETED, message: `${message} Open your account page to sign in again.`, kind: 'error' });
}
