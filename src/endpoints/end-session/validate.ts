import type { AppContext } from '../../context.js';
import { verifyIdTokenHint } from '../../checks/id-token-hint.js';
import { matchLogoutRedirectUri } from '../../checks/redirect-uri.js';

export interface LogoutTarget {
  /** the app the request was identified as coming from, when trustworthy */
  clientId: string | undefined;
  /** where to send the browser (a registered logout URI of that app), if anywhere */
  redirectUri: string | undefined;
  /** why the browser is not sent back, shown on the signed-out page */
  note: string | undefined;
}

/**
 * Identifies the app (a valid id_token_hint issued by us, or client_id; both must agree) and
 * accepts post_logout_redirect_uri only when it exactly matches one of that app's logout URIs.
 * An id_token_hint that does not verify is never trusted, and then nothing is redirected.
 */
export async function resolveLogoutTarget(
  ctx: AppContext,
  input: { idTokenHint?: string; clientId?: string; postLogoutRedirectUri?: string },
): Promise<LogoutTarget> {
  let clientId: string | undefined;
  let problem: string | undefined;
  if (input.idTokenHint !== undefined) {
    const hint = await verifyIdTokenHint(input.idTokenHint, ctx.keys, ctx.config.issuer);
    if (!hint) {
      problem = 'the id_token_hint could not be verified';
    } else if (input.clientId !== undefined) {
      if (hint.audiences.includes(input.clientId)) clientId = input.clientId;
      else problem = 'the client_id does not match the id_token_hint';
    } else if (hint.audiences.length === 1) {
      clientId = hint.audiences[0];
    } else {
      problem = 'the id_token_hint names several apps; send client_id too';
    }
  } else {
    clientId = input.clientId;
  }
  const wanted = input.postLogoutRedirectUri;
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
