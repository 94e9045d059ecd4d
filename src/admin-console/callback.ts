import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { TokenGrant } from '../domain/token-claims.js';
import { CONSOLE_CLIENT_ID, consoleCallbackUrl } from '../domain/built-in-apps.js';
import { OAuthError, pageError } from '../errors/oauth-error.js';
import { SingleParams } from '../http/single-params.js';
import { setNoStore, setPageHeaders } from '../http/security-headers.js';
import { currentSession } from '../authorization/sessions.js';
import { redeemFirstPartyCode } from '../authorization/first-party-code.js';
import { accountMessagePage } from '../pages/account-message-page.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { clearConsoleSignIn, pendingConsoleSignIn } from './sign-in.js';
import { consolePath, consoleUrl } from './paths.js';

/**
 * GET /admin/callback — the answer of /connect/authorize to the console app: the state must be this
 * browser's pending sign-in, the code is redeemed in-process through the real authorization_code grant
 * (PKCE, single use), and the SSO session must be the one the code was issued for.
 */
export async function consoleCallback(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const params = SingleParams.fromQuery(request);
  const fail = (description: string) => pageError(description);
  const pending = pendingConsoleSignIn(request, ctx.config, params.get('state', fail));
  clearConsoleSignIn(reply, ctx.config);
  if (!pending) return refuse(ctx, reply, 'This sign-in could not be matched to this browser: it has expired, or was started in another tab or browser.');
  if (params.get('iss', fail) !== ctx.config.issuer) return refuse(ctx, reply, 'The answer to this sign-in did not come from this server.');
  const error = params.get('error', fail);
  if (error !== undefined) return refuse(ctx, reply, `The sign-in ended without success: ${params.get('error_description', fail) ?? error}.`);
  const code = params.get('code', fail);
  if (code === undefined) return refuse(ctx, reply, 'The answer to this sign-in carried no authorization code.');
  let grant: TokenGrant;
  try {
    grant = await redeemFirstPartyCode(ctx, CONSOLE_CLIENT_ID, consoleCallbackUrl(ctx.config.issuer), code, pending.verifier);
  } catch (problem) {
    if (!(problem instanceof OAuthError) || problem.status >= 500) throw problem;
    return refuse(ctx, reply, `The sign-in could not be completed: ${problem.description}.`);
  }
  const live = await currentSession(ctx, request);
  if (!live || live.session.sid !== grant.sid) return refuse(ctx, reply, 'Your session ended during the sign-in.');
  setNoStore(reply);
  return reply.code(303).header('Location', consoleUrl(ctx, pending.returnTo || '/apps')).send();
}

function refuse(ctx: AppContext, reply: FastifyReply, message: string): FastifyReply {
  setPageHeaders(reply);
  return reply.code(400).type('text/html; charset=utf-8').send(
    accountMessagePage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      title: 'Sign-in not completed',
      message: `${message} Open the console to sign in again.`,
      kind: 'error',
      link: { href: consolePath(ctx), text: 'Open the console' },
    }),
  );
}
