import type { AppContext } from '../context.js';
import { pageError } from '../errors/oauth-error.js';
import { SingleParams } from '../http/single-params.js';
import { sha256 } from '../tokens/opaque.js';

/** RFC 9126 2.2: request_uri values Trustgate issues. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** How long a pushed request may wait for its authorization request (RFC 9126 suggests a short time). */
export const PUSHED_REQUEST_LIFETIME_SECONDS = 60;

/**
 * At /connect/authorize: a request_uri of a pushed request is exchanged, once, for the parameters the
 * app pushed (RFC 9126 4) — only for the app that pushed it, only before it expires. Other parameters
 * of the authorization request are ignored. Any failure is an error page: the redirect URI is not
 * known yet.
 */
export async function resolvePushedRequest(ctx: AppContext, params: SingleParams): Promise<{ params: SingleParams; pushed: boolean }> {
  const page = (d: string) => pageError(d);
  if (params.isRepeated('request_uri')) throw pageError('the parameter request_uri must not be repeated');
  const requestUri = params.get('request_uri', page);
  if (requestUri === undefined || !requestUri.startsWith(REQUEST_URI_PREFIX)) return { params, pushed: false };
  if (params.isRepeated('client_id')) throw pageError('the parameter client_id must not be repeated');
  const clientId = params.get('client_id', page);
  if (clientId === undefined) {
    throw pageError('the client_id parameter is missing: send it with the request_uri of a pushed authorization request');
  }
  const pushed = await ctx.store.pushedRequests.consume(sha256(requestUri), clientId, ctx.now());
  if (!pushed) {
    throw pageError(
      'the request_uri is unknown, expired or already used, or was pushed by another app: push the authorization request again (a request_uri works once, for 60 seconds)',
      { code: 'invalid_request_uri' },
    );
  }
  return { params: SingleParams.fromBody(pushed.params), pushed: true };
}
