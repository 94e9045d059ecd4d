import type { AppContext } from '../../context.js';
import type { AuthorizationRequest } from '../../domain/interaction.js';
import type { TrustedApplication } from '../../domain/trusted-application.js';
import { OAuthError, invalidRequest, pageError, unsupportedResponseType, type OAuthErrorCode } from '../../errors/oauth-error.js';
import { matchLoginRedirectUri, MAX_REDIRECT_URI_LENGTH } from '../../checks/redirect-uri.js';
import { checkRequestedScopes } from '../../checks/scope.js';
import { checkPkceRequest } from '../../checks/pkce.js';
import { parseMaxAge, parsePrompt } from '../../checks/prompt.js';
import { verifyIdTokenHint } from '../../checks/id-token-hint.js';
import type { SingleParams } from '../../http/single-params.js';
import type { ResponseMode } from '../../authorization/deliver.js';

/** Where errors may go once the client and redirect URI are trusted. */
export interface TrustedTarget {
  app: TrustedApplication;
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | null;
}

/**
 * Step 1: the app and the redirect URI. Until both are trusted nothing is redirected: every problem
 * is an error page (seed: invalid_redirect_uri; a disabled app: unauthorized_client).
 */
export async function resolveTarget(ctx: AppContext, params: SingleParams): Promise<TrustedTarget> {
  for (const name of ['client_id', 'redirect_uri']) {
    if (params.isRepeated(name)) throw pageError(`the parameter ${name} must not be repeated`);
  }
  const page = (d: string) => pageError(d);
  const clientId = params.get('client_id', page);
  if (clientId === undefined) {
    throw pageError('the client_id parameter is missing, so the redirect URI cannot be checked', { code: 'invalid_redirect_uri' });
  }
  const registered = clientId.length <= 512 ? await ctx.clients.get(clientId) : undefined;
  if (!registered) {
    throw pageError(
      `the client_id "${clientId.slice(0, 200)}" is not registered as a Trusted Application, so the redirect URI cannot be trusted`,
      { code: 'invalid_redirect_uri' },
    );
  }
  const app = registered.app;
  if (!app.enabled) {
    throw pageError(`the app "${app.clientId}" is disabled; it cannot sign users in`, { code: 'unauthorized_client' });
  }
  const redirectUri = params.get('redirect_uri', page);
  if (redirectUri === undefined) {
    throw pageError("the redirect_uri parameter is missing; send one of the app's registered login redirect URIs", {
      code: 'invalid_redirect_uri',
    });
  }
  if (redirectUri.length > MAX_REDIRECT_URI_LENGTH || !matchLoginRedirectUri(app, redirectUri)) {
    throw pageError(
      `the redirect_uri "${redirectUri.slice(0, 300)}" is not registered for the app "${app.clientId}" (login redirect URIs must match exactly)`,
      { code: 'invalid_redirect_uri' },
    );
  }
  // from here on errors go back to the app; response_mode and state first, so they can be honoured
  let state: string | null = null;
  try {
    state = params.get('state') ?? null;
  } catch {
    state = null;
  }
  let responseMode: ResponseMode = 'query';
  let modeProblem: OAuthError | undefined;
  try {
    const mode = params.get('response_mode');
    if (mode === 'form_post') responseMode = 'form_post';
    else if (mode !== undefined && mode !== 'query') {
      modeProblem = invalidRequest(`response_mode "${mode.slice(0, 40)}" is not supported: use query or form_post`);
    }
  } catch (error) {
    modeProblem = error as OAuthError;
  }
  const target = { app, redirectUri, responseMode, state };
  if (modeProblem) throw Object.assign(modeProblem, { target });
  return target;
}

const UNSUPPORTED: Record<string, OAuthErrorCode> = {
  request: 'request_not_supported',
  request_uri: 'request_uri_not_supported',
  registration: 'registration_not_supported',
};

/** Step 2: every other parameter; failures here are redirected to the app. */
export async function validateAuthorizeRequest(
  ctx: AppContext,
  target: TrustedTarget,
  params: SingleParams,
  options: { pushed?: boolean } = {},
): Promise<AuthorizationRequest> {
  const { app } = target;
  if (app.requirePar && !options.pushed) {
    throw invalidRequest(
      `the app "${app.clientId}" must push its authorization requests: POST them to the pushed_authorization_request_endpoint ({issuer}/connect/par) and send only client_id and request_uri here`,
    );
  }
  const repeated = params.firstRepeated();
  if (repeated !== undefined) throw invalidRequest(`the parameter ${repeated.slice(0, 40)} must not be repeated`);
  for (const [name, code] of Object.entries(UNSUPPORTED)) {
    if (params.get(name) !== undefined) {
      throw new OAuthError(code, `the ${name} parameter is not supported by this server`);
    }
  }
  const responseType = params.get('response_type');
  if (responseType === undefined) throw invalidRequest('the response_type parameter is missing: use response_type=code');
  if (responseType !== 'code') {
    throw unsupportedResponseType(`response_type "${responseType.slice(0, 40)}" is not supported: use response_type=code`);
  }
  const scope = checkRequestedScopes(app, params.get('scope'));
  const pkce = checkPkceRequest(app, params.get('code_challenge'), params.get('code_challenge_method'));
  const prompt = parsePrompt(params.get('prompt'));
  const maxAge = parseMaxAge(params.get('max_age'));
  const nonce = params.get('nonce') ?? null;
  if (nonce !== null && nonce.length > 512) throw invalidRequest('the nonce parameter is too long (at most 512 characters)');
  const loginHint = params.get('login_hint') ?? null;
  if (loginHint !== null && loginHint.length > 200) throw invalidRequest('the login_hint parameter is too long (at most 200 characters)');
  const uiLocales = parseUiLocales(params.get('ui_locales'));
  const acrValues = parseAcrValues(params.get('acr_values'));
  let idTokenHintSubject: string | null = null;
  const hint = params.get('id_token_hint');
  if (hint !== undefined) {
    const verified = await verifyIdTokenHint(hint, ctx.keys, ctx.config.issuer);
    if (!verified || !verified.audiences.includes(app.clientId)) {
      throw invalidRequest('id_token_hint is not a valid ID token issued by this server to this app');
    }
    idTokenHintSubject = verified.subject;
  }
  return Object.freeze({
    clientId: app.clientId,
    redirectUri: target.redirectUri,
    responseMode: target.responseMode,
    scope,
    state: target.state,
    nonce,
    codeChallenge: pkce.codeChallenge,
    codeChallengeMethod: pkce.codeChallengeMethod,
    // max_age=0 asks for a fresh sign-in, like prompt=login (OpenID Connect Core 3.1.2.1)
    prompt: maxAge === 0 && !prompt.includes('login') && !prompt.includes('none') ? [...prompt, 'login' as const] : prompt,
    maxAge,
    loginHint,
    uiLocales,
    idTokenHintSubject,
    acrValues,
  });
}

const ACR_VALUE = /^[\x21-\x7e]{1,200}$/;

/** acr_values (OpenID Connect Core 3.1.2.1): space-separated, in order of preference. */
function parseAcrValues(value: string | undefined): string[] {
  if (value === undefined) return [];
  const values = [...new Set(value.split(' ').filter(Boolean))];
  if (values.length > 10 || values.some((v) => !ACR_VALUE.test(v))) {
    throw invalidRequest('acr_values must be a space-separated list of at most 10 printable values');
  }
  return values;
}

const LOCALE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

function parseUiLocales(value: string | undefined): string[] {
  if (value === undefined) return [];
  const locales = value.split(' ').filter(Boolean);
  if (locales.length > 10 || locales.some((l) => !LOCALE.test(l))) {
    throw invalidRequest('ui_locales must be a space-separated list of BCP 47 language tags');
  }
  return locales;
}
