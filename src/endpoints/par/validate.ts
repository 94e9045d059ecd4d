import type { AppContext, FormParams } from '../../context.js';
import type { TrustedApplication } from '../../domain/trusted-application.js';
import { OAuthError, invalidRequest } from '../../errors/oauth-error.js';
import { SingleParams } from '../../http/single-params.js';
import { randomToken, sha256 } from '../../tokens/opaque.js';
import { PUSHED_REQUEST_LIFETIME_SECONDS, REQUEST_URI_PREFIX } from '../../authorization/pushed-request.js';
import { resolveTarget, validateAuthorizeRequest } from '../authorize/validate.js';

/** Client authentication parameters: they authenticate the push and are not part of the request. */
const CLIENT_AUTHENTICATION = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

export interface PushedAuthorizationResponse {
  request_uri: string;
  expires_in: number;
}

/**
 * RFC 9126 2.1: the pushed parameters pass the same validation as at /connect/authorize (every failure
 * answered as JSON), then are stored under a fresh request_uri bound to the pushing app.
 */
export async function pushAuthorizationRequest(
  ctx: AppContext,
  app: TrustedApplication,
  form: FormParams,
): Promise<PushedAuthorizationResponse> {
  if (form.has('request_uri')) {
    throw invalidRequest('request_uri must not be pushed: push the authorization parameters themselves');
  }
  if (form.has('request')) throw new OAuthError('request_not_supported', 'the request parameter is not supported by this server');
  // a client_id in the body that differs from the authenticated one was refused by client authentication
  const params: Record<string, string> = {};
  for (const [name, value] of form) if (!CLIENT_AUTHENTICATION.has(name)) params[name] = value;
  params.client_id = app.clientId;

  const single = SingleParams.fromBody(params);
  const target = await resolveTarget(ctx, single);
  await validateAuthorizeRequest(ctx, target, single, { pushed: true });

  const requestUri = `${REQUEST_URI_PREFIX}${randomToken(32)}`;
  const now = ctx.now();
  await ctx.store.pushedRequests.insert({
    uriHash: sha256(requestUri),
    clientId: app.clientId,
    params,
    createdAt: now,
    expiresAt: now + PUSHED_REQUEST_LIFETIME_SECONDS * 1000,
  });
  return { request_uri: requestUri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS };
}
