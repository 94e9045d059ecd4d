import type { FastifyReply } from 'fastify';
import { formPostPage, formPostHeaders } from '../pages/form-post-page.js';
import { setNoStore } from '../http/security-headers.js';

export type ResponseMode = 'query' | 'form_post';

/**
 * Sends the authorization response (code or error) to the app's redirect URI: a 303 with the
 * parameters in the query (kept after any query the registered URI already has), or for
 * response_mode=form_post an auto-submitting form that also works without JavaScript.
 */
export function deliverToApp(
  reply: FastifyReply,
  redirectUri: string,
  responseMode: ResponseMode,
  params: Record<string, string | null | undefined>,
  appName: string,
  instanceName: string,
  stylesheet: string,
): FastifyReply {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) clean[name] = value;
  if (responseMode === 'form_post') {
    formPostHeaders(reply, redirectUri);
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(formPostPage({ action: redirectUri, params: clean, appName, instanceName, stylesheet }));
  }
  setNoStore(reply);
  return reply.code(303).header('Location', appendQuery(redirectUri, clean)).send();
}

/** Appends parameters to a URI without re-encoding what is already there. */
export function appendQuery(uri: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  if (query === '') return uri;
  return uri + (uri.includes('?') ? (uri.endsWith('?') || uri.endsWith('&') ? '' : '&') : '?') + query;
}
