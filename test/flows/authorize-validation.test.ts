import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser } from '../support/browser.js';
import { createTestApp } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  PKCE,
  SPA_CALLBACK,
  WEB_CALLBACK,
  authorizeUrl,
  errorPageOf,
  redirectParams,
  spaParams,
  startSignInServer,
  webParams,
  type SignInServer,
} from './authorize-support.js';

describeEachDatabase('/connect/authorize: client and redirect URI are checked before anything is redirected', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url);
    await createTestApp(server.app.ctx, {
      clientId: 'disabled.app',
      enabled: false,
      loginRedirectUris: ['https://disabled.example.com/cb'],
    });
    await createTestApp(server.app.ctx, {
      clientId: 'query.app',
      loginRedirectUris: ['https://q.example.com/cb?tenant=7'],
    });
    await createTestApp(server.app.ctx, {
      clientId: 'conf-loopback.app',
      loginRedirectUris: ['http://127.0.0.1:8000/cb'],
    });
  });
  after(async () => server?.close());

  const get = (params: Record<string, string> | string) => fetch(authorizeUrl(server.issuer, params), { redirect: 'manual' });

  it('missing client_id: error page (400) invalid_redirect_uri, no redirect', async () => {
    const { client_id, ...rest } = webParams();
    void client_id;
    const page = await errorPageOf(await get(rest));
    assert.deepEqual(page, {
      status: 400,
      code: 'invalid_redirect_uri',
      description: 'the client_id parameter is missing, so the redirect URI cannot be checked',
    });
  });

  it('unknown client_id: error page saying the app is not registered', async () => {
    const page = await errorPageOf(await get(webParams({ client_id: 'nobody.app' })));
    assert.deepEqual(page, {
      status: 400,
      code: 'invalid_redirect_uri',
      description: 'the client_id "nobody.app" is not registered as a Trusted Application, so the redirect URI cannot be trusted',
    });
  });

  it('missing redirect_uri: error page', async () => {
    const { redirect_uri, ...rest } = webParams();
    void redirect_uri;
    const page = await errorPageOf(await get(rest));
    assert.equal(page.code, 'invalid_redirect_uri');
    assert.equal(page.description, "the redirect_uri parameter is missing; send one of the app's registered login redirect URIs");
  });

  it('a disabled app: error page with unauthorized_client', async () => {
    const page = await errorPageOf(
      await get(webParams({ client_id: 'disabled.app', redirect_uri: 'https://disabled.example.com/cb' })),
    );
    assert.deepEqual(page, {
      status: 400,
      code: 'unauthorized_client',
      description: 'the app "disabled.app" is disabled; it cannot sign users in',
    });
  });

  it('repeated client_id or redirect_uri: error page invalid_request, never a redirect', async () => {
    for (const name of ['client_id', 'redirect_uri']) {
      const query = `${new URLSearchParams(webParams())}&${name}=${encodeURIComponent(name === 'client_id' ? 'web.app' : WEB_CALLBACK)}`;
      const page = await errorPageOf(await get(query));
      assert.equal(page.code, 'invalid_request');
      assert.equal(page.description, `the parameter ${name} must not be repeated`);
    }
  });

  const nearMisses: [string, string][] = [
    ['trailing slash', `${WEB_CALLBACK}/`],
    ['upper-case path', 'https://app.example.com/Callback'],
    ['upper-case host', 'https://APP.example.com/callback'],
    ['extra query', `${WEB_CALLBACK}?x=1`],
    ['empty query', `${WEB_CALLBACK}?`],
    ['explicit default port', 'https://app.example.com:443/callback'],
    ['other port', 'https://app.example.com:8443/callback'],
    ['http scheme', 'http://app.example.com/callback'],
    ['extra path segment', `${WEB_CALLBACK}/more`],
    ['parent path', 'https://app.example.com/'],
    ['dot segment', 'https://app.example.com/x/../callback'],
    ['fragment', `${WEB_CALLBACK}#frag`],
    ['userinfo', 'https://evil@app.example.com/callback'],
    ['encoded character', 'https://app.example.com/c%61llback'],
    ['other host suffix', 'https://app.example.com.evil.com/callback'],
    ['prefix of the host', 'https://app.example.co/callback'],
    ['whitespace', ` ${WEB_CALLBACK}`],
  ];
  for (const [what, uri] of nearMisses) {
    it(`a redirect URI that nearly matches (${what}) gets the error page, not a redirect`, async () => {
      const page = await errorPageOf(await get(webParams({ redirect_uri: uri })));
      assert.equal(page.status, 400);
      assert.equal(page.code, 'invalid_redirect_uri');
      assert.ok(page.description.startsWith('the redirect_uri "'), page.description);
      assert.ok(page.description.endsWith('is not registered for the app "web.app" (login redirect URIs must match exactly)'));
    });
  }

  it('a registered URI with a query matches only exactly, and the response keeps that query', async () => {
    const miss = await errorPageOf(await get(webParams({ client_id: 'query.app', redirect_uri: 'https://q.example.com/cb?tenant=8' })));
    assert.equal(miss.code, 'invalid_redirect_uri');
    const res = await get(webParams({ client_id: 'query.app', redirect_uri: 'https://q.example.com/cb?tenant=7', response_type: 'token' }));
    const params = redirectParams(res, 'https://q.example.com/cb');
    assert.ok(res.headers.get('location')!.startsWith('https://q.example.com/cb?tenant=7&error='));
    assert.equal(params.get('error'), 'unsupported_response_type');
  });

  it('RFC 8252: a public app registered on a loopback IP may use any port', async () => {
    for (const uri of ['http://127.0.0.1:61000/callback', 'http://127.0.0.1/callback', 'http://[::1]:4321/cb']) {
      const res = await get(spaParams({ redirect_uri: uri }));
      assert.equal(res.status, 303, uri);
      assert.ok(res.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`), uri);
    }
  });

  it('RFC 8252 any-port matching is only for loopback IPs of public apps, with the rest exact', async () => {
    const misses: [Record<string, string>, string][] = [
      [spaParams({ redirect_uri: 'http://localhost:4001/cb' }), 'localhost is not a loopback IP literal'],
      [spaParams({ redirect_uri: 'http://127.0.0.1:61000/callback/' }), 'path differs'],
      [spaParams({ redirect_uri: 'http://127.0.0.1:61000/Callback' }), 'case differs'],
      [spaParams({ redirect_uri: 'http://127.0.0.2:53177/callback' }), 'other loopback address'],
      [spaParams({ redirect_uri: 'https://127.0.0.1:53177/callback' }), 'scheme differs'],
      [spaParams({ redirect_uri: 'http://127.0.0.1:99999/callback' }), 'port out of range'],
      [spaParams({ redirect_uri: 'http://127.0.0.1:53177/callback?x=1' }), 'query added'],
      [webParams({ client_id: 'conf-loopback.app', redirect_uri: 'http://127.0.0.1:8001/cb' }), 'confidential app'],
    ];
    for (const [params, why] of misses) {
      const page = await errorPageOf(await get(params));
      assert.equal(page.code, 'invalid_redirect_uri', why);
    }
    const exact = await get(webParams({ client_id: 'conf-loopback.app', redirect_uri: 'http://127.0.0.1:8000/cb' }));
    assert.equal(exact.status, 303);
  });
});

describeEachDatabase('/connect/authorize: errors after the redirect URI is trusted go back to the app', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url);
  });
  after(async () => server?.close());

  const get = (params: Record<string, string> | string) => fetch(authorizeUrl(server.issuer, params), { redirect: 'manual' });

  async function expectAppError(
    params: Record<string, string> | string,
    error: string,
    description: string,
    base = WEB_CALLBACK,
  ): Promise<URLSearchParams> {
    const res = await get(params);
    const got = redirectParams(res, base);
    assert.equal(got.get('error'), error);
    assert.equal(got.get('error_description'), description);
    assert.equal(got.get('iss'), server.issuer);
    assert.equal(got.get('code'), null);
    return got;
  }

  it('response_type missing / not code', async () => {
    const { response_type, ...rest } = webParams();
    void response_type;
    const got = await expectAppError(rest, 'invalid_request', 'the response_type parameter is missing: use response_type=code');
    assert.equal(got.get('state'), 'st');
    await expectAppError(webParams({ response_type: 'token' }), 'unsupported_response_type', 'response_type "token" is not supported: use response_type=code');
    await expectAppError(webParams({ response_type: 'code id_token' }), 'unsupported_response_type', 'response_type "code id_token" is not supported: use response_type=code');
  });

  it('a repeated parameter is invalid_request', async () => {
    await expectAppError(`${new URLSearchParams(webParams())}&scope=read`, 'invalid_request', 'the parameter scope must not be repeated');
    await expectAppError(`${new URLSearchParams(webParams())}&response_type=code`, 'invalid_request', 'the parameter response_type must not be repeated');
  });

  it('scopes: only the app scopes and the protocol scopes', async () => {
    await expectAppError(webParams({ scope: 'openid sec' }), 'invalid_scope', 'the scope "sec" is not allowed for this app');
    await expectAppError(webParams({ scope: 'read DomainApi' }), 'invalid_scope', 'the scope "DomainApi" is not allowed for this app');
    await expectAppError(webParams({ scope: 'read "x"' }), 'invalid_scope', 'the scope parameter is malformed: scopes are space-separated printable ASCII words');
    await expectAppError(webParams({ scope: '   ' }), 'invalid_scope', 'the scope parameter is empty');
  });

  it('offline_access only for apps allowed refresh tokens', async () => {
    await expectAppError(
      spaParams({ scope: 'openid offline_access' }),
      'invalid_scope',
      'the scope "offline_access" is not allowed: this app is not allowed refresh tokens',
      SPA_CALLBACK,
    );
    const ok = await get(webParams({ scope: 'openid offline_access read' }));
    assert.ok(ok.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
  });

  it('PKCE: mandatory for public apps, S256 only, 43 base64url characters', async () => {
    const { code_challenge, code_challenge_method, ...noPkce } = spaParams();
    void code_challenge;
    void code_challenge_method;
    await expectAppError(noPkce, 'invalid_request', 'code_challenge is required for public apps (PKCE, RFC 7636): send code_challenge and code_challenge_method=S256', SPA_CALLBACK);
    await expectAppError(spaParams({ code_challenge_method: 'plain' }), 'invalid_request', 'code_challenge_method "plain" is not supported: use S256 (the plain method is not accepted)', SPA_CALLBACK);
    const { code_challenge_method: _m, ...noMethod } = spaParams();
    void _m;
    await expectAppError(noMethod, 'invalid_request', 'code_challenge_method is required and must be S256 (the plain method is not accepted)', SPA_CALLBACK);
    const malformed = 'code_challenge is malformed: it must be the 43-character base64url SHA-256 of the code verifier';
    await expectAppError(spaParams({ code_challenge: PKCE.challenge.slice(1) }), 'invalid_request', malformed, SPA_CALLBACK);
    await expectAppError(spaParams({ code_challenge: `${PKCE.challenge}A` }), 'invalid_request', malformed, SPA_CALLBACK);
    await expectAppError(spaParams({ code_challenge: `${PKCE.challenge.slice(1)}=` }), 'invalid_request', malformed, SPA_CALLBACK);
    await expectAppError(spaParams({ code_challenge: `${PKCE.challenge.slice(1)}+` }), 'invalid_request', malformed, SPA_CALLBACK);
    await expectAppError(webParams({ code_challenge_method: 'S256' }), 'invalid_request', 'code_challenge_method was sent without code_challenge');
  });

  it('a confidential app may send a PKCE challenge', async () => {
    const res = await get(webParams({ code_challenge: PKCE.challenge, code_challenge_method: 'S256' }));
    assert.ok(res.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
  });

  it('prompt and max_age are checked', async () => {
    await expectAppError(webParams({ prompt: 'select_account' }), 'invalid_request', 'prompt value "select_account" is not supported: use none, login or consent');
    await expectAppError(webParams({ prompt: 'none login' }), 'invalid_request', 'prompt=none cannot be combined with other prompt values');
    for (const maxAge of ['-1', '1.5', 'abc', '12345678901', '1e3']) {
      await expectAppError(webParams({ max_age: maxAge }), 'invalid_request', 'max_age must be a non-negative whole number of seconds');
    }
  });

  it('unsupported request objects and bad ui_locales are refused', async () => {
    await expectAppError(webParams({ request: 'eyJ' }), 'request_not_supported', 'the request parameter is not supported by this server');
    await expectAppError(webParams({ request_uri: 'https://x' }), 'request_uri_not_supported', 'the request_uri parameter is not supported by this server');
    await expectAppError(webParams({ ui_locales: 'en <script>' }), 'invalid_request', 'ui_locales must be a space-separated list of BCP 47 language tags');
    const ok = await get(webParams({ ui_locales: 'de-CH en' }));
    assert.ok(ok.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
  });

  it('an invalid id_token_hint is invalid_request', async () => {
    await expectAppError(webParams({ id_token_hint: 'not.a.jwt' }), 'invalid_request', 'id_token_hint is not a valid ID token issued by this server to this app');
  });

  it('errors honour response_mode=form_post; an unknown response_mode falls back to query', async () => {
    const res = await get(webParams({ response_mode: 'form_post', response_type: 'token' }));
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<form method="post" action="https:\/\/app.example.com\/callback">/);
    assert.match(html, /name="error" value="unsupported_response_type"/);
    assert.match(html, /name="state" value="st"/);
    await expectAppError(webParams({ response_mode: 'fragment' }), 'invalid_request', 'response_mode "fragment" is not supported: use query or form_post');
  });

  it('POST /connect/authorize (form body) works like GET and refuses repeats', async () => {
    const ok = await fetch(`${server.issuer}/connect/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(webParams()).toString(),
      redirect: 'manual',
    });
    assert.equal(ok.status, 303);
    assert.ok(ok.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
    const repeated = await fetch(`${server.issuer}/connect/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(webParams())}&state=again`,
      redirect: 'manual',
    });
    const got = redirectParams(repeated, WEB_CALLBACK);
    assert.equal(got.get('error'), 'invalid_request');
    assert.equal(got.get('error_description'), 'the parameter state must not be repeated');
    const json = await fetch(`${server.issuer}/connect/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webParams()),
      redirect: 'manual',
    });
    assert.deepEqual(await errorPageOf(json), {
      status: 400,
      code: 'invalid_request',
      description: 'the request body must be application/x-www-form-urlencoded',
    });
  });

  it('oversized and malformed input is a 4xx, never a 5xx', async () => {
    const browser = new TestBrowser();
    const big = 'x'.repeat(5000);
    const cases: (Record<string, string> | string)[] = [
      webParams({ state: big }),
      webParams({ client_id: big }),
      webParams({ redirect_uri: `https://app.example.com/${big}` }),
      webParams({ nonce: 'n'.repeat(600) }),
      webParams({ login_hint: 'l'.repeat(300) }),
      webParams({ client_id: 'web\u0000app' }),
      webParams({ state: 'a\u0000b' }),
      webParams({ scope: 'read\u0000' }),
      webParams({ id_token_hint: 'a.b.c' }),
      webParams({ id_token_hint: `${'a'.repeat(3000)}.${'b'.repeat(3000)}.c` }),
      'client_id=%ZZ&redirect_uri=%E0%A4%A',
      'client_id=web.app&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=%FF%FE',
      '%00=%00&&&==',
      `${new URLSearchParams(webParams())}&${'p'.repeat(100)}=1`.repeat(3),
      webParams({ client_id: 'é漢字💥', state: '💥' }),
      webParams({ max_age: '9'.repeat(400) }),
    ];
    for (const params of cases) {
      const res = await browser.get(authorizeUrl(server.issuer, params));
      assert.ok(res.status < 500, `HTTP ${res.status} for ${String(typeof params === 'string' ? params : JSON.stringify(params)).slice(0, 80)}`);
      assert.ok([303, 400, 200].includes(res.status), `HTTP ${res.status}`);
    }
    const hugeQuery = await fetch(authorizeUrl(server.issuer, webParams({ state: 'x'.repeat(70_000) })));
    assert.ok(hugeQuery.status >= 400 && hugeQuery.status < 500, `huge query: ${hugeQuery.status}`);
    const posts: [string, string][] = [
      ['application/json', JSON.stringify({ client_id: ['web.app', 'x'], redirect_uri: { a: 1 } })],
      ['application/json', '{"client_id": "web.app", "redirect_uri": 5}'],
      ['application/json', '{broken'],
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'a'.repeat(70_000)],
      ['application/x-www-form-urlencoded', 'client_id[]=web.app&redirect_uri[a]=1'],
    ];
    for (const [type, body] of posts) {
      const res = await fetch(`${server.issuer}/connect/authorize`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
        redirect: 'manual',
      });
      assert.ok(res.status >= 400 && res.status < 500, `POST ${type}: HTTP ${res.status}`);
    }
  });
});

describeEachDatabase('authorize and end-session: other HTTP methods', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
  });
  after(async () => server?.close());

  for (const path of ['/connect/authorize', '/connect/endsession']) {
    it(`${path} answers PUT and DELETE with 405 and Allow: GET, POST`, async () => {
      for (const method of ['PUT', 'DELETE']) {
        const res = await fetch(`${server.issuer}${path}`, { method });
        assert.equal(res.status, 405);
        assert.equal(res.headers.get('allow'), 'GET, POST');
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
      }
    });
  }
});
