import { createHash, randomBytes } from 'node:crypto';
import { Browser } from './browser.js';
import { Http, StepError, header, json, type HttpResponse } from './http.js';

/** One server under test, as the load generator sees it. */
export interface TargetInfo {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  login: string;
  password: string;
  /** extra authorization parameters for interactive sign-ins that ask for offline_access */
  offlineExtra: Record<string, string>;
  /** URL of a protected resource of the sample API, when it can verify this server's tokens */
  apiUrl?: string;
  /** the algorithm its ID and access tokens must be signed with (default RS256) */
  alg?: string;
}

export interface Endpoints {
  authorization: string;
  token: string;
  userinfo: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
}

export async function discover(http: Http, issuer: string): Promise<Endpoints> {
  const response = await http.request('GET', `${issuer}/.well-known/openid-configuration`);
  if (response.status !== 200) throw StepError.fromResponse('discovery', response);
  const doc = json('discovery', response);
  if (doc.issuer !== issuer) throw new StepError('discovery', `issuer is ${String(doc.issuer)}, expected ${issuer}`);
  const pick = (name: string): string => {
    const value = doc[name];
    if (typeof value !== 'string') throw new StepError('discovery', `${name} is missing`);
    return value;
  };
  return { authorization: pick('authorization_endpoint'), token: pick('token_endpoint'), userinfo: pick('userinfo_endpoint') };
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  verifier: string;
}

export function authorizationRequest(
  target: TargetInfo,
  endpoints: Endpoints,
  scope: string,
  extra: Record<string, string> = {},
): AuthorizationRequest {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const url = new URL(endpoints.authorization);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: target.clientId,
    redirect_uri: target.redirectUri,
    scope,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { url: url.href, state, verifier };
}

const isRedirect = (status: number) => status === 302 || status === 303;

/** Reads the authorization response at the app's redirect URI (RFC 6749 4.1.2, RFC 9207 iss). */
function codeFrom(location: string, request: AuthorizationRequest, target: TargetInfo): string {
  const params = new URL(location).searchParams;
  const error = params.get('error');
  if (error) throw new StepError('authorization response', `${error}: ${params.get('error_description') ?? ''}`);
  if (params.get('state') !== request.state) throw new StepError('authorization response', 'state does not match');
  if (params.get('iss') !== target.issuer) throw new StepError('authorization response', `iss is ${params.get('iss')}`);
  const code = params.get('code');
  if (!code) throw new StepError('authorization response', 'no code');
  return code;
}

/**
 * The interactive sign-in a browser does: authorize → (login page → POST login) → (consent page →
 * POST allow) → redirect to the app with a code. Follows redirects within the server and fills the
 * one form each page shows. Returns the code and its PKCE verifier.
 */
export async function interactiveAuthorize(
  browser: Browser,
  target: TargetInfo,
  endpoints: Endpoints,
  scope: string,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string; pages: number }> {
  const request = authorizationRequest(target, endpoints, scope, extra);
  let current = request.url;
  let response = await browser.get(current);
  let pages = 0;
  for (let step = 0; step < 12; step++) {
    if (isRedirect(response.status)) {
      const location = new URL(header(response, 'location') ?? '', current).href;
      if (location.startsWith(target.redirectUri)) return { code: codeFrom(location, request, target), verifier: request.verifier, pages };
      current = location;
      response = await browser.get(current);
      continue;
    }
    if (response.status === 200 && /<form\b/i.test(response.body)) {
      pages += 1;
      const form = fillForm(response, target);
      current = new URL(form.action, current).href;
      response = await browser.postForm(current, form.fields);
      continue;
    }
    throw StepError.fromResponse(`sign-in (${new URL(current).pathname})`, response);
  }
  throw new StepError('sign-in', 'too many steps');
}

/** An authorization with a live session and remembered consent: one answer, a redirect with a code. */
export async function silentAuthorize(
  browser: Browser,
  target: TargetInfo,
  endpoints: Endpoints,
  scope: string,
): Promise<{ code: string; verifier: string }> {
  const request = authorizationRequest(target, endpoints, scope);
  const response = await browser.get(request.url);
  const location = header(response, 'location');
  if (!isRedirect(response.status) || !location?.startsWith(target.redirectUri)) {
    throw StepError.fromResponse('silent authorize', response);
  }
  return { code: codeFrom(location, request, target), verifier: request.verifier };
}

function basicAuth(target: TargetInfo): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(target.clientId)}:${encode(target.clientSecret)}`).toString('base64')}`;
}

function tokenSet(step: string, response: HttpResponse, expect: { idToken: boolean; refreshToken: boolean }): TokenSet {
  if (response.status !== 200) throw StepError.fromResponse(step, response);
  const body = json(step, response);
  if (typeof body.access_token !== 'string' || String(body.token_type).toLowerCase() !== 'bearer') {
    throw new StepError(step, 'no bearer access_token in the answer');
  }
  if (expect.idToken && typeof body.id_token !== 'string') throw new StepError(step, 'no id_token in the answer');
  if (expect.refreshToken && typeof body.refresh_token !== 'string') throw new StepError(step, 'no refresh_token in the answer');
  return {
    accessToken: body.access_token,
    idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
  };
}

export async function exchangeCode(
  http: Http,
  target: TargetInfo,
  endpoints: Endpoints,
  code: string,
  verifier: string,
  scope: string,
): Promise<TokenSet> {
  const scopes = scope.split(' ');
  const response = await http.request('POST', endpoints.token, {
    headers: { authorization: basicAuth(target), accept: 'application/json' },
    form: { grant_type: 'authorization_code', code, redirect_uri: target.redirectUri, code_verifier: verifier },
  });
  return tokenSet('code exchange', response, {
    idToken: scopes.includes('openid'),
    refreshToken: scopes.includes('offline_access'),
  });
}

/** Refresh with rotation: the answer must carry a new refresh token, which replaces the old one. */
export async function refresh(http: Http, target: TargetInfo, endpoints: Endpoints, refreshToken: string): Promise<TokenSet> {
  const response = await http.request('POST', endpoints.token, {
    headers: { authorization: basicAuth(target), accept: 'application/json' },
    form: { grant_type: 'refresh_token', refresh_token: refreshToken },
  });
  const tokens = tokenSet('refresh', response, { idToken: false, refreshToken: true });
  if (tokens.refreshToken === refreshToken) throw new StepError('refresh', 'the refresh token was not rotated');
  return tokens;
}

export async function bearerGet(http: Http, url: string, accessToken: string, step: string): Promise<Record<string, unknown>> {
  const response = await http.request('GET', url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if (response.status !== 200) throw StepError.fromResponse(step, response);
  return json(step, response);
}

// ---- the forms of the sign-in pages ----

interface FilledForm {
  action: string;
  fields: Record<string, string>;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[match[1]!.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return out;
}

/** Fills the page's form: a login form (a password field) or a consent form (decision = allow). */
function fillForm(response: HttpResponse, target: TargetInfo): FilledForm {
  const forms = [...response.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  for (const [, formTag, inner] of forms) {
    const attrs = attributes(formTag!);
    if ((attrs.method ?? 'get').toLowerCase() !== 'post') continue;
    const inputs = [...inner!.matchAll(/<input\b([^>]*)>/gi)].map((m) => attributes(m[1]!));
    const buttons = [...inner!.matchAll(/<button\b([^>]*)>/gi)].map((m) => attributes(m[1]!));
    const fields: Record<string, string> = {};
    for (const input of inputs) if (input.name && input.type === 'hidden') fields[input.name] = input.value ?? '';
    if (inputs.some((input) => input.type === 'password')) {
      const loginField = inputs.find((input) => input.name && input.type !== 'hidden' && input.type !== 'password');
      const passwordField = inputs.find((input) => input.type === 'password');
      fields[loginField?.name ?? 'login'] = target.login;
      fields[passwordField!.name ?? 'password'] = target.password;
      return { action: attrs.action ?? '', fields };
    }
    const allow = [...buttons, ...inputs].find((b) => b.name === 'decision' && b.value === 'allow');
    if (allow) {
      fields.decision = 'allow';
      return { action: attrs.action ?? '', fields };
    }
  }
  const alert = /role="alert"[^>]*>([\s\S]*?)</i.exec(response.body)?.[1];
  throw new StepError('sign-in page', `no login or consent form${alert ? ` (${alert.trim()})` : ''}`);
}
