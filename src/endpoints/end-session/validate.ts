import type { AppContext } from '../../context.js';
import { pageError } from '../../errors/oauth-error.js';
import type { SingleParams } from '../../http/single-params.js';
import { verifyIdTokenHint, type VerifiedIdTokenHint } from '../../checks/id-token-hint.js';
import { matchLogoutRedirectUri } from '../../checks/redirect-uri.js';

/** The parameters of an RP-Initiated Logout request (each at most once). */
export interface LogoutRequest {
  idTokenHint?: string;
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

export interface LogoutTarget {
  /** the app the request was identified as coming from, when trustworthy */
  clientId: string | undefined;
  /** where to send the browser (a registered logout URI of that app), if anywhere */
  redirectUri: string | undefined;
  /** why the browser is not sent back, shown on the signed-out page */
  note: string | undefined;
  /** the user named by an id_token_hint that verified (issued by us), if any */
  hintSubject: string | undefined;
}

/** Reads the logout parameters; a repeated or malformed one is an error page. */
export function readLogoutRequest(params: SingleParams): LogoutRequest {
  const repeated = params.firstRepeated();
  if (repeated !== undefined) {
    throw pageError(`the parameter ${repeated.slice(0, 40)} must not be repeated`);
  }
  const page = (d: string) => pageError(d);
  return {
    idTokenHint: params.get('id_token_hint', page),
    clientId: params.get('client_id', page),
    postLogoutRedirectUri: params.get('post_logout_redirect_uri', page),
    state: params.get('state', page),
  };
}

/**
 * Identifies the app (a valid id_token_hint issued by us, or client_id; both must agree) and
 * accepts post_logout_redirect_uri only when it exactly matches one of that app's logout URIs.
 * An id_token_hint that does not verify is never trusted, and then nothing is redirected.
 */
export async function resolveLogoutTarget(ctx: AppContext, input: LogoutRequest): Promise<LogoutTarget> {
  const hint = input.idTokenHint === undefined ? undefined : await verifyIdTokenHint(input.idTokenHint, ctx.keys, ctx.config.issuer);
  const target = await chooseRedirect(ctx, identifyApp(input, hint), input.postLogoutRedirectUri);
  return { ...target, hintSubject: hint?.subject };
}

function identifyApp(input: LogoutRequest, hint: VerifiedIdTokenHint | undefined): { clientId?: string; problem?: string } {
  if (input.idTokenHint === undefined) return { clientId: input.clientId };
  if (!hint) return { problem: 'the id_token_hint could not be verified' };
  if (input.clientId !== undefined) {
    return hint.audiences.includes(input.clientId) ? { clientId: input.clientId } : { problem: 'the client_id does not match the id_token_hint' };
  }
  if (hint.audiences.length === 1) return { clientId: hint.audiences[0] };
  return { problem: 'the id_token_hint names several apps; send client_id too' };
}

async function chooseRedirect(
  ctx: AppContext,
  { clientId, problem }: { clientId?: string; problem?: string },
  wanted: string | undefined,
): Promise<Omit<LogoutTarget, 'hintSubject'>> {
  if (wanted === undefined) return { clientId: problem ? undefined : clientId, redirectUri: undefined, note: undefined };
  const cannotReturn = 'You were not sent back to the app because';
  if (problem) return { clientId: undefined, redirectUri: undefined, note: `${cannotReturn} ${problem}.` };
  if (clientId === undefined) {
    return {
      clientId: undefined,
      redirectUri: undefined,
      note: `${cannotReturn} the request did not say which app it came from (send id_token_hint or client_id).`,
    };
  }
  const registered = clientId.length <= 512 ? await ctx.clients.get(clientId) : undefined;
  if (!registered || !registered.app.enabled) {
    return { clientId: undefined, redirectUri: undefined, note: `${cannotReturn} the app is not registered or is disabled.` };
  }
  if (!matchLogoutRedirectUri(registered.app, wanted)) {
    return {
      clientId,
      redirectUri: undefined,
      note: `${cannotReturn} the post_logout_redirect_uri is not registered for ${registered.app.displayName}.`,
    };
  }
  return { clientId, redirectUri: wanted, note: undefined };
}
