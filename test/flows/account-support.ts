import assert from 'node:assert/strict';
import { TestBrowser, parseForms, signIn, type ParsedForm } from '../support/browser.js';
import { createTestApp } from '../support/fixtures.js';
import { postForm } from '../support/token-helpers.js';
import type { SignInServer } from './authorize-support.js';

/** A new password that passes every rule for the standard cast (alice, bob, carol). */
export const NEW_PASSWORD = 'violet harbor lantern orbit';

export const REFRESH_APP = { clientId: 'refresh.app', redirectUri: 'https://refresh.example.com/cb' };

/**
 * Opens {issuer}/account in a browser without a session and signs in like a person (login page, then
 * back through /account/callback). Returns the account page.
 */
export async function signInToAccount(server: SignInServer, browser: TestBrowser, login: string, password: string): Promise<string> {
  const start = await browser.get(`${server.issuer}/account`);
  assert.equal(start.status, 303, `GET /account answered ${start.status}`);
  const authorize = new URL(start.headers.get('location')!);
  assert.equal(`${authorize.origin}${authorize.pathname}`, `${server.issuer}/connect/authorize`);
  const callback = await signInUntilCallback(server, browser, authorize, { login, password });
  return finishAccountSignIn(server, browser, callback);
}

/**
 * Follows an account sign-in from its /connect/authorize URL like a person: the interaction redirects,
 * the login form (when shown). Returns the /account/callback URL the browser is sent to.
 */
export async function signInUntilCallback(server: SignInServer, browser: TestBrowser, authorize: URL, credentials: { login: string; password: string }): Promise<URL> {
  let url = authorize;
  let res = await browser.get(url);
  for (let step = 0; step < 6; step++) {
    if (res.status === 303) {
      url = new URL(res.headers.get('location')!, url);
      if (url.pathname.endsWith('/account/callback')) return url;
      res = await browser.get(url);
      continue;
    }
    const html = await res.text();
    const login = parseForms(html).find((f) => f.action.endsWith('/login'));
    assert.ok(res.status === 200 && login, `the sign-in stopped at ${url.pathname} with ${res.status}: ${html.slice(0, 500)}`);
    url = new URL(login.action, url);
    res = await browser.postForm(url, { ...login.fields, ...credentials });
  }
  throw new Error('too many steps while signing in to the account area');
}

/** GET of the callback URL the sign-in pages sent the browser to, then the account page it leads to. */
export async function finishAccountSignIn(server: SignInServer, browser: TestBrowser, callback: URL): Promise<string> {
  assert.equal(`${callback.origin}${callback.pathname}`, `${server.issuer}/account/callback`, `ended at ${callback.href}`);
  const back = await browser.get(callback);
  assert.equal(back.status, 303, `the callback answered ${back.status}: ${await back.clone().text()}`);
  assert.equal(back.headers.get('location'), `${server.issuer}/account`);
  return accountPage(server, browser);
}

/** The account page of a signed-in browser. */
export async function accountPage(server: SignInServer, browser: TestBrowser): Promise<string> {
  const res = await browser.get(`${server.issuer}/account`);
  assert.equal(res.status, 200, `GET /account answered ${res.status}`);
  return res.text();
}

/** The change-password form of an account page. */
export function passwordForm(html: string): ParsedForm {
  const form = parseForms(html).find((f) => f.action.endsWith('/account/password'));
  assert.ok(form, 'the account page has the change-password form');
  return form;
}

/** Submits the change-password form of the page with these passwords. */
export function submitPasswordChange(
  server: SignInServer,
  browser: TestBrowser,
  html: string,
  fields: { current: string; next: string; again?: string },
): Promise<Response> {
  const form = passwordForm(html);
  return browser.postForm(new URL(form.action, server.origin), {
    ...form.fields,
    current_password: fields.current,
    new_password: fields.next,
    confirm_password: fields.again ?? fields.next,
  });
}

/** Registers refresh.app (confidential, no consent, refresh tokens); returns its secret. */
export async function registerRefreshApp(server: SignInServer): Promise<string> {
  const { secret } = await createTestApp(server.app.ctx, {
    clientId: REFRESH_APP.clientId,
    requireConsent: false,
    loginRedirectUris: [REFRESH_APP.redirectUri],
  });
  return secret!;
}

/** Signs in to refresh.app in this browser (or with its session) and returns a refresh token. */
export async function refreshTokenFor(server: SignInServer, browser: TestBrowser, secret: string, credentials: { login: string; password: string }): Promise<string> {
  const params = { client_id: REFRESH_APP.clientId, redirect_uri: REFRESH_APP.redirectUri, response_type: 'code', scope: 'openid offline_access', state: 's' };
  const back = await signIn(browser, server.issuer, params, credentials);
  const code = back.searchParams.get('code');
  assert.ok(code, `no code: ${back.href}`);
  const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: REFRESH_APP.redirectUri }, { basic: { clientId: REFRESH_APP.clientId, secret } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.refresh_token as string;
}

/** Presents a refresh token of refresh.app; the token endpoint's answer. */
export function refresh(server: SignInServer, secret: string, token: string) {
  return postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: token }, { basic: { clientId: REFRESH_APP.clientId, secret } });
}

/** The text of the first element with this class (our pages: no nested markup inside). */
export function textOf(html: string, className: string): string | undefined {
  const m = new RegExp(`<p class="${className}"[^>]*>([^<]*)</p>`).exec(html);
  return m?.[1];
}
