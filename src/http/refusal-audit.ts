import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { OAuthError } from '../errors/oauth-error.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import { isStorableText } from '../domain/text.js';

/** Parameters whose values are safe on the failure trail (never a code, secret, token, verifier or hint). */
const SAFE_PARAMS = ['response_type', 'response_mode', 'scope', 'redirect_uri', 'post_logout_redirect_uri', 'grant_type', 'code_challenge_method', 'prompt', 'max_age', 'token_type_hint'] as const;
/** Parameters that are only said to be present or absent. */
const PRESENCE_PARAMS = ['code', 'code_verifier', 'code_challenge', 'state', 'nonce', 'client_secret', 'refresh_token', 'id_token_hint', 'token'] as const;

/**
 * The one hook behind the failure trail: a refused protocol request that names a registered app (its
 * client_id parameter or Basic credentials) is recorded as a `failure` event of that app, with the exact
 * reason (the error code and the description the app got, plus the internal detail) and the safe facts
 * of the request: the redirect URI sent next to the registered ones, the scope asked next to the allowed
 * ones, the PKCE method, which credentials were present. Never a secret, code, token or verifier: those
 * are only said to be present. Requests naming no registered app are not recorded (they are logged), so
 * nobody can fill the table with made-up client_ids; floods are sampled by the recorder.
 */
export async function recordRefusal(ctx: AppContext, request: FastifyRequest, error: OAuthError, known?: TrustedApplication): Promise<void> {
  if (error.status >= 500) return;
  try {
    const app = known ?? (await attributedApp(ctx, request));
    if (!app) return;
    const params = readParams(request);
    const details: Record<string, unknown> = { endpoint: endpointName(request), error: error.code };
    for (const name of SAFE_PARAMS) {
      const value = params.get(name);
      if (value !== undefined) details[camel(name)] = value;
    }
    const present = PRESENCE_PARAMS.filter((name) => params.has(name));
    if (present.length > 0) details.present = present;
    const method = authMethod(request, params);
    if (method) details.clientAuthentication = method;
    if (error.detail) details.detail = error.detail;
    if (params.has('redirect_uri') || /redirect_uri/.test(error.description) || error.code === 'invalid_redirect_uri') {
      details.registeredRedirectUris = app.loginRedirectUris;
    }
    if (params.has('post_logout_redirect_uri')) details.registeredLogoutRedirectUris = app.logoutRedirectUris;
    if (error.code === 'invalid_scope' || params.has('scope')) details.allowedScopes = app.scopes;
    if (/code_challenge|PKCE|code_verifier/i.test(error.description)) details.clientType = app.clientType;
    await ctx.audit.record({
      actor: `app:${app.clientId}`,
      action: `${details.endpoint as string}_refused`,
      outcome: 'failure',
      target: { type: 'app', id: app.clientId },
      clientId: app.clientId,
      sourceAddress: request.ip,
      reason: `${error.code}: ${error.description}`,
      details,
      message: 'request refused',
    });
  } catch (failure) {
    ctx.log.error({ err: failure }, 'could not record a refused request on the failure trail');
  }
}

async function attributedApp(ctx: AppContext, request: FastifyRequest): Promise<TrustedApplication | undefined> {
  const params = readParams(request);
  const clientId = params.get('client_id') ?? basicClientId(request.headers.authorization);
  if (clientId === undefined || clientId.length > 512 || !isStorableText(clientId)) return undefined;
  return (await ctx.clients.get(clientId))?.app;
}

/** The request's parameters (query and form body), first value of each; what is not a string is left out. */
function readParams(request: FastifyRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const source of [request.query, request.body]) {
    if (source === null || typeof source !== 'object') continue;
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string' && first !== '' && !params.has(name)) params.set(name, first);
    }
  }
  return params;
}

function basicClientId(header: string | undefined): string | undefined {
  const match = header ? /^Basic +([A-Za-z0-9+/=._~-]*) *$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function authMethod(request: FastifyRequest, params: Map<string, string>): string | undefined {
  if (/^Basic\b/i.test(request.headers.authorization ?? '')) return 'client_secret_basic';
  if (params.has('client_secret')) return 'client_secret_post';
  return undefined;
}

/** `authorize`, `token`, `revocation`, `end_session`…: the route's last path segment. */
function endpointName(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  const last = url.split('/').filter((part) => part !== '' && !part.startsWith(':')).pop() ?? 'request';
  return last.replace(/[^a-z0-9]+/gi, '_').toLowerCase() || 'request';
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
