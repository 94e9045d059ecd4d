import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { getAuthorizationCode, pkcePair, TestBrowser } from '../support/browser.js';
import { postForm } from '../support/token-helpers.js';
import { FAST_ARGON2 } from './authorize-support.js';
import { AuditService } from '../../src/admin/audit-service.js';
import type { AuditEvent } from '../../src/domain/audit-event.js';
import { runCli } from '../cli/run-cli.js';
import { json } from '../cli/assertions.js';

const WEB_CB = 'https://web.example.com/callback';
const SPA_CB = 'https://spa.example.com/callback';

/**
 * The failure trail, fed by real refused requests: each shows the exact reason (the redirect URI sent
 * next to the registered ones, the invalid_grant cause, the PKCE failure, the scope not allowed) and
 * never the secret, code, verifier or password that was sent.
 */
describeEachDatabase('failure trail: why does my sign-in fail?', (database) => {
  let server: TestServer;
  let secret: string;
  /** every raw value a request carried that must never reach the trail */
  const raw: string[] = [TEST_PASSWORD];
  const ctx = () => server.app.ctx;
  const failures = async (clientId: string): Promise<AuditEvent[]> => (await new AuditService(ctx()).failures(clientId, { limit: 100 })).events;
  const token = (params: Record<string, string>, basic?: { clientId: string; secret: string }) =>
    postForm(`${server.issuer}/connect/token`, params, basic ? { basic } : {});

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, env: FAST_ARGON2 });
    secret = (await createTestApp(ctx(), { clientId: 'web.app', loginRedirectUris: [WEB_CB, 'https://web.example.com/other'], requireConsent: false })).secret!;
    raw.push(secret);
    await createTestApp(ctx(), { clientId: 'spa.app', clientType: 'public', loginRedirectUris: [SPA_CB], scopes: ['read'], requireConsent: false });
    await createTestUser(ctx(), { login: 'alice' });
  });
  after(async () => server?.close());

  it('a redirect URI that is not registered: the trail shows the one sent next to the registered ones', async () => {
    const sent = 'https://web.example.com/callback/';
    const res = await fetch(`${server.issuer}/connect/authorize?${new URLSearchParams({ client_id: 'web.app', redirect_uri: sent, response_type: 'code', scope: 'openid', state: 's' })}`);
    assert.equal(res.status, 400);
    const [event] = await failures('web.app');
    assert.equal(event!.action, 'authorize_refused');
    assert.equal(event!.outcome, 'failure');
    assert.equal(event!.actor, 'app:web.app');
    assert.match(event!.reason!, /^invalid_redirect_uri: the redirect_uri "https:\/\/web\.example\.com\/callback\/" is not registered/);
    assert.equal(event!.details.redirectUri, sent);
    assert.deepEqual(event!.details.registeredRedirectUris, [WEB_CB, 'https://web.example.com/other']);
    assert.equal(event!.sourceAddress, '127.0.0.1');
  });

  it('a scope the app may not ask for, and PKCE missing for a public app', async () => {
    const base = { client_id: 'spa.app', redirect_uri: SPA_CB, response_type: 'code', state: 's' };
    const scoped = await fetch(`${server.issuer}/connect/authorize?${new URLSearchParams({ ...base, scope: 'openid admin', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    assert.equal(new URL(scoped.headers.get('location')!).searchParams.get('error'), 'invalid_scope');
    const noPkce = await fetch(`${server.issuer}/connect/authorize?${new URLSearchParams({ ...base, scope: 'openid read' })}`, { redirect: 'manual' });
    assert.equal(new URL(noPkce.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    const [pkce, scope] = await failures('spa.app');
    assert.equal(scope!.reason, 'invalid_scope: the scope "admin" is not allowed for this app');
    assert.equal(scope!.details.scope, 'openid admin');
    assert.deepEqual(scope!.details.allowedScopes, ['read']);
    assert.match(pkce!.reason!, /^invalid_request: .*code_challenge/);
    assert.equal(pkce!.details.clientType, 'public');
  });

  it('a reused code: the trail says the code was already used, and holds neither the code nor the secret', async () => {
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, { client_id: 'web.app', redirect_uri: WEB_CB, response_type: 'code', scope: 'openid', state: 's' }, { login: 'alice', password: TEST_PASSWORD });
    raw.push(code);
    const params = { grant_type: 'authorization_code', code, redirect_uri: WEB_CB };
    assert.equal((await token(params, { clientId: 'web.app', secret })).status, 200);
    const again = await token(params, { clientId: 'web.app', secret });
    assert.equal(again.status, 400);
    const [event] = await failures('web.app');
    assert.equal(event!.action, 'token_refused');
    assert.equal(event!.reason, 'invalid_grant: authorization code was already used');
    assert.equal(event!.details.grantType, 'authorization_code');
    assert.equal(event!.details.clientAuthentication, 'client_secret_basic');
    assert.deepEqual(event!.details.present, ['code']);
  });

  it('a redirect_uri at the token endpoint that differs from the authorization request', async () => {
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, { client_id: 'web.app', redirect_uri: WEB_CB, response_type: 'code', scope: 'openid', state: 's' }, { login: 'alice', password: TEST_PASSWORD });
    raw.push(code);
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: 'https://web.example.com/other' }, { clientId: 'web.app', secret });
    assert.equal(res.status, 400);
    const [event] = await failures('web.app');
    assert.equal(event!.reason, `invalid_grant: ${res.body.error_description}`);
    assert.match(event!.reason!, /redirect_uri/);
    assert.equal(event!.details.redirectUri, 'https://web.example.com/other');
  });

  it('a wrong PKCE verifier: the trail names the PKCE failure, never the verifier', async () => {
    const pkce = pkcePair();
    const { code } = await getAuthorizationCode(
      new TestBrowser(),
      server.issuer,
      { client_id: 'spa.app', redirect_uri: SPA_CB, response_type: 'code', scope: 'openid read', state: 's', code_challenge: pkce.challenge, code_challenge_method: 'S256' },
      { login: 'alice', password: TEST_PASSWORD },
    );
    const wrong = pkcePair().verifier;
    raw.push(code, wrong, pkce.verifier);
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: SPA_CB, client_id: 'spa.app', code_verifier: wrong });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_grant');
    const [event] = await failures('spa.app');
    assert.equal(event!.reason, `invalid_grant: ${res.body.error_description}`);
    assert.match(event!.reason!, /code_verifier|PKCE/);
    assert.deepEqual(event!.details.present, ['code', 'code_verifier']);
  });

  it('a wrong client secret is invalid_client on the trail, without the secret sent', async () => {
    const wrongSecret = 'a-wrong-secret-that-is-long-enough-to-look-real';
    raw.push(wrongSecret);
    const res = await token({ grant_type: 'authorization_code', code: 'whatever', redirect_uri: WEB_CB, client_id: 'web.app', client_secret: wrongSecret });
    assert.equal(res.status, 401);
    const [event] = await failures('web.app');
    assert.match(event!.reason!, /^invalid_client: /);
    assert.equal(event!.details.clientAuthentication, 'client_secret_post');
    assert.deepEqual(event!.details.present, ['code', 'client_secret']);
  });

  it('requests naming no registered app are not stored (nobody can grow the table with made-up client_ids)', async () => {
    const before = (await ctx().store.auditEvents.query({ limit: 1000 })).events.length;
    for (let i = 0; i < 5; i++) {
      await fetch(`${server.issuer}/connect/authorize?client_id=made-up-${i}&redirect_uri=https://x.example/cb`);
      await token({ grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://x.example/cb', client_id: `made-up-${i}` });
    }
    const events = (await ctx().store.auditEvents.query({ limit: 1000 })).events;
    assert.equal(events.length, before);
  });

  it('trustgate app failures lists the same trail; nothing on the whole trail holds a raw secret, code, verifier or password', async () => {
    const listed = json<{ action: string; reason: string; details: Record<string, unknown> }[]>(
      await runCli(['app', 'failures', 'web.app', '--json'], { env: { DATABASE_URL: database().url } }),
    );
    assert.deepEqual(listed.map((event) => event.reason), (await failures('web.app')).map((event) => event.reason));
    const text = await runCli(['app', 'failures', 'spa.app', '--limit', '1'], { env: { DATABASE_URL: database().url } });
    assert.match(text.stdout, /token_refused {2}failure {2}from 127\.0\.0\.1\n {2}reason: invalid_grant: /);
    const everything = JSON.stringify((await ctx().store.auditEvents.query({ limit: 1000 })).events) + JSON.stringify(listed);
    for (const value of raw) assert.ok(!everything.includes(value), `the trail must not hold ${value.slice(0, 6)}…`);
  });
});
