// Keeps docs/common-errors.md true: every row of its tables is provoked against the real server (and
// the sample API), and the status, `error` and `error_description` the app receives must be exactly
// the documented ones. A row without a provoker, or a provoker without a row, fails too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from './support/databases.js';
import { startTestServer, type TestServer } from './support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from './support/fixtures.js';
import { TestBrowser, decodeEntities, getAuthorizationCode, parseForms, pkcePair } from './support/browser.js';
import { postForm, testClock } from './support/token-helpers.js';
import { createAccessTokenVerifier } from '../src/resource-server/index.js';
import { CompactSign, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import type { AppInput } from '../src/admin/app-service.js';
import { startErpApi, type RunningErpApi } from '../examples/erp-api/server.js';
import { ApiService } from '../src/admin/api-service.js';
import { AppService } from '../src/admin/app-service.js';
import { UserService } from '../src/admin/user-service.js';
import { basicAuthorization, mintCode } from './support/token-helpers.js';
import { randomToken, sha256 } from '../src/tokens/opaque.js';

interface DocumentedError {
  ref: string;
  where: string;
  status: number;
  error: string;
  description: string;
}

/** The rows of the tables in docs/common-errors.md. */
function documentedErrors(): DocumentedError[] {
  const text = fs.readFileSync(new URL('../docs/common-errors.md', import.meta.url), 'utf8');
  const rows: DocumentedError[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    if (!/^[ATRFSC]\d+$/.test(cells[0] ?? '')) continue;
    const unquote = (c: string) => (c === '—' ? '' : c.replace(/^`|`$/g, ''));
    rows.push({ ref: cells[0]!, where: cells[2]!, status: Number(cells[3]), error: unquote(cells[4]!), description: unquote(cells[5]!) });
  }
  return rows;
}

interface Observed {
  status: number;
  error: string;
  description: string;
  /** values for the placeholders of the documented description */
  vars?: Record<string, string>;
}

const WEB_CALLBACK = 'https://app.example.com/callback';
const SPA_CALLBACK = 'https://spa.example.com/callback';

describeEachDatabase('docs/common-errors.md matches what the server says', (database) => {
  const clock = testClock();
  let server: TestServer;
  /** a node of the same deployment with DPOP_NONCE=true (T24, T25) */
  let nonceNode: TestServer;
  let api: RunningErpApi;
  let billingApi: RunningErpApi;
  let feedApi: RunningErpApi;
  let introspectingApi: RunningErpApi;
  let apiSecret = '';
  let doomedSecret = '';
  let webSecret = '';
  let otherSecret = '';
  let disabledSecret = '';
  let adminToolSecret = '';
  const serviceSecrets: Record<string, string> = {};
  let assertionKey: CryptoKey;
  let strangerKey: CryptoKey;
  const alice = new TestBrowser();

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    nonceNode = await startTestServer({ databaseUrl: database().url, now: clock.now, env: { DPOP_NONCE: 'true' }, issuer: server.issuer });
    const ctx = server.app.ctx;
    webSecret = (await createTestApp(ctx, { clientId: 'docs.example/web', scopes: ['read', 'update'] })).secret!;
    otherSecret = (await createTestApp(ctx, { clientId: 'docs.example/other', requireConsent: false })).secret!;
    disabledSecret = (await createTestApp(ctx, { clientId: 'docs.example/disabled', enabled: false })).secret!;
    await createTestApp(ctx, { clientId: 'docs.example/no-refresh', allowRefreshTokens: false });
    await createTestApp(ctx, { clientId: 'docs.example/par', requirePar: true });
    await createTestApp(ctx, { clientId: 'docs.example/dpop', clientType: 'public', loginRedirectUris: [SPA_CALLBACK], requireDpop: true });
    await createTestApp(ctx, { clientId: 'docs.example/spa', clientType: 'public', loginRedirectUris: [SPA_CALLBACK], scopes: ['read'] });
    adminToolSecret = (await createTestApp(ctx, { clientId: 'docs.example/admin-tool', requireConsent: false, adminApi: true })).secret!;
    await createTestUser(ctx, { login: 'alice' });
    await createTestUser(ctx, { login: 'carl', kind: 'community' });
    // service apps and private_key_jwt (S and C rows)
    await createTestUser(ctx, { login: 'robot' });
    await createTestUser(ctx, { login: 'robot-off' });
    await new UserService(ctx).disable('robot-off');
    for (const [clientId, extra] of [
      ['docs.example/service', {}],
      ['docs.example/robot-off', { systemUser: 'robot-off' }],
      ['docs.example/ghost-user', {}],
      ['docs.example/no-scopes', { scopes: [] }],
      ['docs.example/service-off', { enabled: false }],
      ['docs.example/admin-service', { adminApi: true }],
    ] as Array<[string, Partial<AppInput>]>) {
      serviceSecrets[clientId] = (await createTestApp(ctx, { clientId, loginRedirectUris: [], systemUser: 'robot', ...extra })).secret!;
    }
    const ghost = (await ctx.store.apps.get('docs.example/ghost-user'))!;
    await ctx.store.apps.update({ ...ghost, systemUserId: '00000000-0000-4000-8000-000000000000' }); // a user deleted meanwhile
    const keys = await generateKeyPair('ES256', { extractable: true });
    assertionKey = keys.privateKey;
    strangerKey = (await generateKeyPair('ES256', { extractable: true })).privateKey;
    const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1' }] };
    await createTestApp(ctx, { clientId: 'docs.example/keyed', generateSecret: false, loginRedirectUris: [], systemUser: 'robot', jwks });
    await createTestApp(ctx, {
      clientId: 'docs.example/keys-down', generateSecret: false, loginRedirectUris: [], systemUser: 'robot', jwksUri: 'http://127.0.0.1:9/jwks.json',
    });
    const verifier = (audience: string) => createAccessTokenVerifier({ issuer: server.issuer, audience, now: clock.now });
    const apiOptions = { issuer: server.issuer, databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1' };
    api = await startErpApi({ ...apiOptions, audience: 'erp-api', verifier: verifier('erp-api') });
    billingApi = await startErpApi({ ...apiOptions, audience: 'billing-api', verifier: verifier('billing-api') });
    doomedSecret = (await createTestApp(ctx, { clientId: 'docs.example/doomed', requireConsent: false })).secret!;
    apiSecret = (await new ApiService(ctx).create({ audience: 'erp-api', displayName: 'ERP API', scopes: 'read update', generateSecret: true })).generatedSecret!;
    const credentials = { clientId: 'erp-api', clientSecret: apiSecret };
    const withRevocation = (revocation: NonNullable<Parameters<typeof createAccessTokenVerifier>[0]['revocation']>) =>
      createAccessTokenVerifier({ issuer: server.issuer, audience: 'erp-api', now: clock.now, revocation });
    feedApi = await startErpApi({ ...apiOptions, audience: 'erp-api', verifier: withRevocation({ feed: { ...credentials, intervalMs: 3_600_000, maxStalenessMs: 3_600_000 } }) });
    introspectingApi = await startErpApi({ ...apiOptions, audience: 'erp-api', verifier: withRevocation({ introspection: { ...credentials, cacheMs: 0 } }) });
  });
  after(async () => {
    await feedApi?.close();
    await introspectingApi?.close();
    await api?.close();
    await billingApi?.close();
    await nonceNode?.close();
    await server?.close();
  });

  // ---- helpers -------------------------------------------------------------------------------
  const authorizeUrl = (params: Record<string, string>) => new URL(`${server.issuer}/connect/authorize?${new URLSearchParams(params)}`);
  const webParams = (extra: Record<string, string> = {}) => ({
    response_type: 'code', client_id: 'docs.example/web', redirect_uri: WEB_CALLBACK, scope: 'openid offline_access read', state: 'st', ...extra,
  });

  /** The error shown on Trustgate's error page. */
  async function fromPage(res: Response): Promise<Observed> {
    const html = await res.text();
    const error = /<p class="error-code">Error: <code>([^<]*)<\/code><\/p>/.exec(html)?.[1] ?? '(no error code on the page)';
    const description = /<p class="error-description">([^<]*)<\/p>/.exec(html)?.[1] ?? '(no description on the page)';
    assert.equal(res.headers.get('location'), null, 'an error page is never a redirect');
    return { status: res.status, error: decodeEntities(error), description: decodeEntities(description) };
  }

  /** The error the app receives at its redirect URI. */
  function fromRedirect(res: Response, expectedTarget: string): Observed {
    const location = new URL(res.headers.get('location') ?? 'about:blank');
    assert.equal(`${location.origin}${location.pathname}`, expectedTarget, 'the error goes back to the app');
    assert.equal(location.searchParams.get('iss'), server.issuer);
    return { status: res.status, error: location.searchParams.get('error') ?? '', description: location.searchParams.get('error_description') ?? '' };
  }

  /** GET authorize, follow Trustgate's own redirects, return the last response (a page, or the redirect to the app). */
  async function follow(browser: TestBrowser, start: URL): Promise<{ res: Response; url: URL }> {
    let url = start;
    let res = await browser.fetch(url);
    while ((res.status === 303 || res.status === 302) && res.headers.get('location')!.startsWith(`${server.issuer}/`)) {
      url = new URL(res.headers.get('location')!);
      res = await browser.fetch(url);
    }
    return { res, url };
  }

  /** Posts a form of the page, then follows Trustgate's redirects. */
  async function submit(browser: TestBrowser, pageUrl: URL, html: string, pick: (action: string) => boolean, fields: Record<string, string>) {
    const form = parseForms(html).find((f) => pick(f.action));
    assert.ok(form, 'the expected form is on the page');
    const action = new URL(form.action, pageUrl);
    const res = await browser.postForm(action, { ...form.fields, ...fields });
    if ((res.status === 303 || res.status === 302) && res.headers.get('location')!.startsWith(`${server.issuer}/`)) {
      return follow(browser, new URL(res.headers.get('location')!));
    }
    return { res, url: action };
  }

  const token = (params: Record<string, string>, auth?: { clientId: string; secret: string }) =>
    postForm(`${server.issuer}/connect/token`, params, auth ? { basic: auth } : {});
  const fromJson = (r: { status: number; body: Record<string, any> }): Observed => ({
    status: r.status, error: String(r.body.error), description: String(r.body.error_description),
  });
  const web = () => ({ clientId: 'docs.example/web', secret: webSecret });
  const service = (clientId: string, params: Record<string, string> = {}) =>
    token({ grant_type: 'client_credentials', ...params }, { clientId, secret: serviceSecrets[clientId]! });

  const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const assertionClaims = (clientId = 'docs.example/keyed') => ({
    iss: clientId, sub: clientId, aud: `${server.issuer}/connect/token`, jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 60,
  });
  /** A client assertion of docs.example/keyed signed with its registered key, with claims changed as given. */
  function assertion(claims: Record<string, unknown> = {}, options: { clientId?: string; kid?: string; key?: CryptoKey } = {}): Promise<string> {
    const payload = { ...assertionClaims(options.clientId), ...claims };
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' })
      .sign(options.key ?? assertionKey);
  }
  const withAssertion = (jwt: string, params: Record<string, string> = {}) =>
    token({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt, ...params });

  /** A DPoP proof for a POST to `htu`, made with `key`. */
  async function dpopProof(key: { privateKey: CryptoKey; publicKey: CryptoKey }, htu: string, nonce?: string): Promise<string> {
    return new SignJWT({ htm: 'POST', htu, jti: randomUUID(), ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(key.publicKey) })
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .sign(key.privateKey);
  }
  /** The public app's tokens, redeemed with a DPoP proof: its refresh token is bound to that key. */
  async function spaDpopTokens(): Promise<{ refresh_token: string }> {
    const user = await server.app.ctx.store.users.getByLogin('alice');
    const { verifier, challenge } = pkcePair();
    const code = await mintCode(server.app.ctx, {
      clientId: 'docs.example/spa', userId: user!.id, redirectUri: SPA_CALLBACK, scope: ['openid', 'offline_access', 'read'], codeChallenge: challenge,
    });
    const key = await generateKeyPair('ES256', { extractable: true });
    const res = await postForm(`${server.issuer}/connect/token`, {
      grant_type: 'authorization_code', code, redirect_uri: SPA_CALLBACK, client_id: 'docs.example/spa', code_verifier: verifier,
    }, { headers: { dpop: await dpopProof(key, `${server.issuer}/connect/token`) } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { refresh_token: string };
  }

  /** A fresh code for the web app (alice signed in, consent given once), with its PKCE verifier. */
  async function webCode(scope = 'openid offline_access read') {
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(alice, server.issuer, webParams({ scope, code_challenge: challenge, code_challenge_method: 'S256' }), {
      login: 'alice', password: TEST_PASSWORD,
    });
    return { code, verifier };
  }
  const exchange = (c: { code: string; verifier: string }) =>
    token({ grant_type: 'authorization_code', code: c.code, redirect_uri: WEB_CALLBACK, code_verifier: c.verifier }, web());
  async function webTokens(scope?: string) {
    const res = await exchange(await webCode(scope));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { access_token: string; refresh_token: string; id_token: string };
  }
  async function callApi(target: RunningErpApi, accessToken: string | undefined, method = 'GET'): Promise<Observed> {
    const res = await fetch(`${target.url}/api/customers`, {
      method,
      headers: {
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? JSON.stringify({ name: 'x' }) : undefined,
    });
    const challenge = res.headers.get('www-authenticate') ?? '';
    if (!/error="/.test(challenge)) return { status: res.status, error: '', description: '' };
    const body = (await res.json()) as { error: string; error_description: string };
    assert.match(challenge, new RegExp(`error="${body.error}"`), 'the challenge and the body agree');
    return { status: res.status, error: body.error, description: body.error_description };
  }

  // ---- one provoker per documented row ---------------------------------------------------------
  const provokers: Record<string, () => Promise<Observed>> = {
    A1: async () => ({ ...(await fromPage(await fetch(authorizeUrl(webParams({ client_id: 'not.registered/app' }))))), vars: { client_id: 'not.registered/app' } }),
    A2: async () => ({
      ...(await fromPage(await fetch(authorizeUrl(webParams({ redirect_uri: 'https://app.example.com/callback/' }))))),
      vars: { client_id: 'docs.example/web', redirect_uri: 'https://app.example.com/callback/' },
    }),
    A3: async () => {
      const params: Record<string, string> = webParams();
      delete params.redirect_uri;
      return fromPage(await fetch(authorizeUrl(params)));
    },
    A4: async () => ({
      ...(await fromPage(await fetch(authorizeUrl(webParams({ client_id: 'docs.example/disabled' }))))),
      vars: { client_id: 'docs.example/disabled' },
    }),
    A5: async () => fromRedirect(await fetch(authorizeUrl(webParams({ response_type: 'token' })), { redirect: 'manual' }), WEB_CALLBACK),
    A6: async () => ({
      ...fromRedirect(await fetch(authorizeUrl(webParams({ scope: 'openid billing' })), { redirect: 'manual' }), WEB_CALLBACK),
      vars: { scope: 'billing' },
    }),
    A18: async () => fromRedirect(await fetch(authorizeUrl(webParams({ scope: 'openid trustgate:admin' })), { redirect: 'manual' }), WEB_CALLBACK),
    A7: async () =>
      fromRedirect(await fetch(authorizeUrl(webParams({ client_id: 'docs.example/no-refresh' })), { redirect: 'manual' }), WEB_CALLBACK),
    A8: async () =>
      fromRedirect(
        await fetch(authorizeUrl({ response_type: 'code', client_id: 'docs.example/spa', redirect_uri: SPA_CALLBACK, scope: 'openid read', state: 's' }), { redirect: 'manual' }),
        SPA_CALLBACK,
      ),
    A9: async () => fromRedirect(await fetch(authorizeUrl(webParams({ code_challenge: pkcePair().challenge, code_challenge_method: 'plain' })), { redirect: 'manual' }), WEB_CALLBACK),
    A10: async () => {
      const browser = new TestBrowser();
      const login = await follow(browser, authorizeUrl(webParams()));
      const consent = await submit(browser, login.url, await login.res.text(), (a) => a.endsWith('/login'), { login: 'alice', password: TEST_PASSWORD });
      const back = await submit(browser, consent.url, await consent.res.text(), (a) => a.endsWith('/consent'), { decision: 'deny' });
      return fromRedirect(back.res, WEB_CALLBACK);
    },
    A11: async () => {
      const browser = new TestBrowser();
      const login = await follow(browser, authorizeUrl(webParams()));
      const back = await submit(browser, login.url, await login.res.text(), (a) => !a.endsWith('/login'), {});
      return fromRedirect(back.res, WEB_CALLBACK);
    },
    A12: async () => {
      const browser = new TestBrowser();
      const login = await follow(browser, authorizeUrl(webParams()));
      const blocked = await submit(browser, login.url, await login.res.text(), (a) => a.endsWith('/login'), { login: 'carl', password: TEST_PASSWORD });
      const html = await blocked.res.text();
      assert.match(html, /You cannot sign in to/);
      const back = await submit(browser, blocked.url, html, () => true, {});
      return fromRedirect(back.res, WEB_CALLBACK);
    },
    A13: async () => fromRedirect(await new TestBrowser().fetch(authorizeUrl(webParams({ prompt: 'none' }))), WEB_CALLBACK),
    A14: async () => {
      const browser = new TestBrowser();
      await getAuthorizationCode(browser, server.issuer, webParams({ scope: 'openid' }), { login: 'alice', password: TEST_PASSWORD });
      return fromRedirect(await browser.fetch(authorizeUrl(webParams({ scope: 'openid read update', prompt: 'none' }))), WEB_CALLBACK);
    },

    T1: async () => ({
      ...fromJson(await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: WEB_CALLBACK, client_id: 'not.registered/app' })),
      vars: { client_id: 'not.registered/app' },
    }),
    T2: async () => ({
      ...fromJson(await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: WEB_CALLBACK }, { clientId: 'docs.example/web', secret: 'x'.repeat(43) })),
      vars: { client_id: 'docs.example/web' },
    }),
    T3: async () => ({
      ...fromJson(await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: WEB_CALLBACK, client_id: 'docs.example/web' })),
      vars: { client_id: 'docs.example/web' },
    }),
    T4: async () => ({
      ...fromJson(await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: SPA_CALLBACK, client_id: 'docs.example/spa', client_secret: 'y'.repeat(43) })),
      vars: { client_id: 'docs.example/spa' },
    }),
    T5: async () => ({
      ...fromJson(await token({ grant_type: 'authorization_code', code: 'x', redirect_uri: WEB_CALLBACK }, { clientId: 'docs.example/disabled', secret: disabledSecret })),
      vars: { client_id: 'docs.example/disabled' },
    }),
    T6: async () => fromJson(await token({ grant_type: 'password', username: 'alice', password: TEST_PASSWORD }, web())),
    T7: async () => {
      const c = await webCode();
      return fromJson(await exchange({ code: c.code, verifier: pkcePair().verifier }));
    },
    T8: async () => {
      const c = await webCode();
      return fromJson(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: WEB_CALLBACK }, web()));
    },
    T9: async () => {
      const c = await webCode();
      clock.advance(server.app.ctx.config.authorizationCodeLifetimeSeconds + 1);
      return fromJson(await exchange(c));
    },
    T10: async () => {
      const c = await webCode();
      assert.equal((await exchange(c)).status, 200);
      return fromJson(await exchange(c));
    },
    T11: async () => {
      const c = await webCode();
      return fromJson(await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: 'https://app.example.com/other', code_verifier: c.verifier }, web()));
    },
    T12: async () => fromJson(await token({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: WEB_CALLBACK }, web())),
    T13: async () => {
      const c = await webCode();
      return fromJson(
        await token({ grant_type: 'authorization_code', code: c.code, redirect_uri: WEB_CALLBACK, code_verifier: c.verifier }, { clientId: 'docs.example/other', secret: otherSecret }),
      );
    },
    T23: async () => {
      const { verifier, challenge } = pkcePair();
      const { code } = await getAuthorizationCode(
        alice,
        server.issuer,
        webParams({ client_id: 'docs.example/admin-tool', scope: 'openid trustgate:admin', code_challenge: challenge, code_challenge_method: 'S256' }),
        { login: 'alice', password: TEST_PASSWORD },
      );
      return fromJson(
        await token(
          { grant_type: 'authorization_code', code, redirect_uri: WEB_CALLBACK, code_verifier: verifier },
          { clientId: 'docs.example/admin-tool', secret: adminToolSecret },
        ),
      );
    },
    T14: async () => fromJson(await token({ grant_type: 'refresh_token', refresh_token: 'no-such-token' }, web())),
    T15: async () => {
      const { refresh_token } = await webTokens();
      assert.equal((await token({ grant_type: 'refresh_token', refresh_token }, web())).status, 200);
      clock.advance(31); // after the reuse grace window
      return fromJson(await token({ grant_type: 'refresh_token', refresh_token }, web()));
    },
    T16: async () => {
      const { refresh_token } = await webTokens();
      clock.advance(30 * 86400 + 1);
      return fromJson(await token({ grant_type: 'refresh_token', refresh_token }, web()));
    },
    T17: async () => {
      const { refresh_token } = await webTokens('openid offline_access read');
      return fromJson(await token({ grant_type: 'refresh_token', refresh_token, scope: 'read update' }, web()));
    },

    A15: async () => {
      const pushed = await postForm(`${server.issuer}/connect/par`, webParams(), { basic: web() });
      assert.equal(pushed.status, 201);
      const used = authorizeUrl({ client_id: 'docs.example/web', request_uri: pushed.body.request_uri });
      assert.equal((await fetch(used, { redirect: 'manual' })).status, 303);
      return fromPage(await fetch(used, { redirect: 'manual' }));
    },
    A16: async () => {
      const pushed = await postForm(`${server.issuer}/connect/par`, webParams(), { basic: web() });
      return fromPage(await fetch(authorizeUrl({ request_uri: pushed.body.request_uri }), { redirect: 'manual' }));
    },
    A17: async () => {
      const res = await fetch(authorizeUrl(webParams({ client_id: 'docs.example/par' })), { redirect: 'manual' });
      return { ...fromRedirect(res, WEB_CALLBACK), vars: { client_id: 'docs.example/par' } };
    },
    T18: async () =>
      fromJson(await postForm(`${server.issuer}/connect/par`, webParams({ request_uri: 'urn:ietf:params:oauth:request_uri:x' }), { basic: web() })),

    T19: async () => {
      const { refresh_token } = await spaDpopTokens();
      return fromJson(await token({ grant_type: 'refresh_token', refresh_token, client_id: 'docs.example/spa' }));
    },
    T20: async () => {
      const { refresh_token } = await spaDpopTokens();
      const other = await generateKeyPair('ES256', { extractable: true });
      return fromJson(await postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token, client_id: 'docs.example/spa' }, {
        headers: { dpop: await dpopProof(other, `${server.issuer}/connect/token`) },
      }));
    },
    T21: async () => {
      const key = await generateKeyPair('ES256', { extractable: true });
      const proof = await dpopProof(key, `${server.issuer}/connect/token`);
      const send = () => postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'docs.example/spa' }, { headers: { dpop: proof } });
      assert.equal((await send()).body.error, 'invalid_grant');
      return fromJson(await send());
    },
    T22: async () => ({
      ...fromJson(await postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'docs.example/dpop' })),
      vars: { client_id: 'docs.example/dpop' },
    }),
    T24: async () => {
      const key = await generateKeyPair('ES256', { extractable: true });
      return fromJson(await postForm(`${nonceNode.origin}${new URL(server.issuer).pathname}/connect/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'docs.example/spa' }, {
        headers: { dpop: await dpopProof(key, `${server.issuer}/connect/token`) },
      }));
    },
    T25: async () => {
      const key = await generateKeyPair('ES256', { extractable: true });
      const url = `${nonceNode.origin}${new URL(server.issuer).pathname}/connect/token`;
      const nonce = (await postForm(url, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'docs.example/spa' })).headers.get('dpop-nonce')!;
      const forged = `${nonce.split('.')[0]}.${randomToken(32)}`;
      return fromJson(await postForm(url, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'docs.example/spa' }, {
        headers: { dpop: await dpopProof(key, `${server.issuer}/connect/token`, forged) },
      }));
    },
    S1: async () => fromJson(await token({ grant_type: 'client_credentials', client_id: 'docs.example/spa' })),
    S2: async () => ({ ...fromJson(await token({ grant_type: 'client_credentials' }, web())), vars: { client_id: 'docs.example/web' } }),
    S3: async () => ({ ...fromJson(await service('docs.example/service-off')), vars: { client_id: 'docs.example/service-off' } }),
    S4: async () => ({ ...fromJson(await service('docs.example/robot-off')), vars: { client_id: 'docs.example/robot-off' } }),
    S5: async () => ({ ...fromJson(await service('docs.example/ghost-user')), vars: { client_id: 'docs.example/ghost-user' } }),
    S6: async () => ({ ...fromJson(await service('docs.example/service', { scope: 'read openid' })), vars: { scope: 'openid' } }),
    S7: async () => ({
      ...fromJson(await service('docs.example/service', { scope: 'read sec' })),
      vars: { scope: 'sec', client_id: 'docs.example/service', scopes: 'read update' },
    }),
    S9: async () => fromJson(await service('docs.example/service', { scope: 'trustgate:admin' })),
    S10: async () => fromJson(await service('docs.example/admin-service', { scope: 'trustgate:admin' })),
    S8: async () => ({ ...fromJson(await service('docs.example/no-scopes')), vars: { client_id: 'docs.example/no-scopes' } }),

    C1: async () => fromJson(await token({ grant_type: 'client_credentials', client_assertion: await assertion() })),
    C2: async () => fromJson(await token({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER })),
    C3: async () =>
      fromJson(await token({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await assertion() })),
    C4: async () => fromJson(await withAssertion(await assertion(), { client_secret: 'x'.repeat(43) })),
    C5: async () => fromJson(await withAssertion('not-a-jwt')),
    C6: async () => fromJson(await withAssertion(await assertion({ exp: 'tomorrow' }))),
    C7: async () => fromJson(await withAssertion('x'.repeat(9000), { client_id: 'docs.example/keyed' })),
    C8: async () => ({
      ...fromJson(await withAssertion(await assertion({}, { clientId: 'docs.example/spa' }))),
      vars: { client_id: 'docs.example/spa' },
    }),
    C9: async () => ({
      ...fromJson(await withAssertion(await assertion({}, { clientId: 'docs.example/service' }))),
      vars: { client_id: 'docs.example/service' },
    }),
    C10: async () => ({
      ...fromJson(await token({ grant_type: 'client_credentials', client_id: 'docs.example/keyed' })),
      vars: { client_id: 'docs.example/keyed' },
    }),
    C11: async () => fromJson(await withAssertion(await assertion({}, { kid: 'unknown' }))),
    C12: async () => fromJson(await withAssertion(await assertion({}, { key: strangerKey }))),
    C13: async () => {
      const hmac = await new SignJWT(assertionClaims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode('s'.repeat(32)));
      return fromJson(await withAssertion(hmac));
    },
    C14: async () => fromJson(await withAssertion(await assertion({}, { clientId: 'docs.example/keys-down' }))),
    C15: async () => fromJson(await withAssertion(await assertion({ iss: 'someone.else' }))),
    C16: async () => fromJson(await withAssertion(await assertion({ sub: 'someone.else' }), { client_id: 'docs.example/keyed' })),
    C17: async () => ({
      ...fromJson(await withAssertion(await assertion({ aud: 'https://elsewhere.example.com/token' }))),
      vars: { token_endpoint: `${server.issuer}/connect/token`, issuer: server.issuer },
    }),
    C18: async () => fromJson(await withAssertion(await assertion({ exp: undefined }))),
    C19: async () => fromJson(await withAssertion(await assertion({ exp: nowSeconds() - 60 }))),
    C20: async () => fromJson(await withAssertion(await assertion({ exp: nowSeconds() + 3600 }))),
    C21: async () => fromJson(await withAssertion(await assertion({ nbf: nowSeconds() + 120 }))),
    C22: async () => fromJson(await withAssertion(await assertion({ iat: nowSeconds() + 120 }))),
    C23: async () => fromJson(await withAssertion(await assertion({ jti: undefined }))),
    C24: async () => fromJson(await withAssertion(await assertion({ jti: 'j'.repeat(257) }))),
    C25: async () => {
      const jwt = await assertion();
      assert.equal((await withAssertion(jwt)).status, 200);
      return fromJson(await withAssertion(jwt));
    },

    R1: async () => callApi(api, undefined),
    R2: async () => {
      const { access_token } = await webTokens();
      assert.equal((await callApi(api, access_token)).status, 200);
      clock.advance(3600 + 31);
      return callApi(api, access_token);
    },
    R3: async () => ({ ...(await callApi(billingApi, (await webTokens()).access_token)), vars: { audience: 'billing-api' } }),
    R4: async () => callApi(api, (await webTokens()).id_token),
    R5: async () => callApi(api, (await webTokens('openid read')).access_token, 'POST'),
    R6: async () => {
      const { access_token } = await userTokens('rev-r6');
      await postForm(`${server.issuer}/connect/revocation`, { token: access_token }, { basic: web() });
      await feedApi.verifier.pollRevocations();
      return callApi(feedApi, access_token);
    },
    R7: async () => {
      const { access_token } = await userTokens('rev-r7');
      await new UserService(server.app.ctx).disable('rev-r7');
      await feedApi.verifier.pollRevocations();
      return callApi(feedApi, access_token);
    },
    R8: async () => {
      const { access_token } = await userTokens('rev-r8', { clientId: 'docs.example/doomed', secret: doomedSecret });
      await new AppService(server.app.ctx).disable('docs.example/doomed');
      await feedApi.verifier.pollRevocations();
      return callApi(feedApi, access_token);
    },
    R9: async () => {
      const ctx = server.app.ctx;
      const { user } = await createTestUser(ctx, { login: 'rev-r9' });
      const cookie = randomToken(32);
      const now = clock.now();
      await ctx.store.sessions.insert({
        idHash: sha256(cookie), sid: 'sid-r9', userId: user.id, authTime: Math.floor(now / 1000), amr: ['pwd'],
        createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000, endedAt: null,
      });
      const { access_token, id_token } = await userTokens('rev-r9', web(), 'sid-r9');
      await fetch(`${server.issuer}/connect/endsession?id_token_hint=${id_token}`, { headers: { cookie: `tg_session=${cookie}` }, redirect: 'manual' });
      await feedApi.verifier.pollRevocations();
      return callApi(feedApi, access_token);
    },
    R10: async () => {
      const { access_token } = await userTokens('rev-r10');
      await postForm(`${server.issuer}/connect/revocation`, { token: access_token }, { basic: web() });
      return callApi(introspectingApi, access_token);
    },
    R11: async () => {
      const feedUrl = `${server.issuer}/connect/revocations`;
      const locked = createAccessTokenVerifier({
        issuer: server.issuer, audience: 'erp-api', now: clock.now,
        revocation: { feed: { clientId: 'erp-api', clientSecret: 'w'.repeat(43), intervalMs: 3_600_000 } },
      });
      const lockedApi = await startErpApi({ issuer: server.issuer, databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1', audience: 'erp-api', verifier: locked });
      try {
        const res = await fetch(`${lockedApi.url}/api/customers`, { headers: { authorization: `Bearer ${(await userTokens('rev-r11')).access_token}` } });
        const body = (await res.json()) as { error: string; error_description: string };
        return { status: res.status, error: body.error, description: body.error_description, vars: { feed: feedUrl } };
      } finally {
        await lockedApi.close();
      }
    },

    F1: async () => fromFetch(await fetch(`${server.issuer}/connect/revocations?since=0`)),
    F2: async () => fromFetch(await fetch(`${server.issuer}/connect/revocations`, { headers: { authorization: basicAuthorization('docs.example/web', webSecret) } })),
    F3: async () => fromFetch(await fetch(`${server.issuer}/connect/revocations?since=x`, { headers: { authorization: basicAuthorization('erp-api', apiSecret) } })),
    F4: async () => ({
      ...fromJson(await postForm(`${server.issuer}/connect/introspect`, { token: 'x' }, { basic: { clientId: 'erp-api', secret: 'x'.repeat(43) } })),
      vars: { audience: 'erp-api' },
    }),
    F5: async () => ({ ...fromJson(await postForm(`${server.issuer}/connect/introspect`, { token: 'x', client_id: 'erp-api' })), vars: { audience: 'erp-api' } }),
  };

  /** Tokens for a (new) user through the web app, minted as after a sign-in. */
  async function userTokens(login: string, client = web(), sid?: string) {
    const ctx = server.app.ctx;
    const user = (await ctx.store.users.getByLogin(login)) ?? (await createTestUser(ctx, { login })).user;
    const code = await mintCode(ctx, { clientId: client.clientId, userId: user.id, redirectUri: WEB_CALLBACK, scope: ['openid', 'read'], ...(sid ? { sid } : {}) });
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: WEB_CALLBACK }, client);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { access_token: string; id_token: string };
  }
  async function fromFetch(res: Response): Promise<Observed> {
    const body = (await res.json()) as { error: string; error_description: string };
    return { status: res.status, error: body.error, description: body.error_description };
  }

  it('every documented error has a provoking test, and every test a documented row', () => {
    const refs = documentedErrors().map((row) => row.ref);
    assert.ok(refs.length >= 30, `found only ${refs.length} rows`);
    assert.deepEqual([...refs].sort(), Object.keys(provokers).sort());
  });

  for (const row of documentedErrors()) {
    it(`${row.ref}: ${row.where} ${row.status} ${row.error || '(no error code)'}`, async () => {
      const provoke = provokers[row.ref];
      assert.ok(provoke, `no provoker for ${row.ref}`);
      const observed = await provoke();
      const expected = row.description.replace(/<([a-z_]+)>/g, (whole, name: string) => observed.vars?.[name] ?? whole);
      assert.deepEqual(
        { status: observed.status, error: observed.error, description: observed.description },
        { status: row.status, error: row.error, description: expected },
      );
    });
  }
});
