import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, decodeEntities, parseForms } from '../support/browser.js';
import { postForm, basicAuthorization } from '../support/token-helpers.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { inspectDatabase } from '../support/inspect-database.js';
import { ApiService } from '../../src/admin/api-service.js';
import { AppService } from '../../src/admin/app-service.js';
import { ReferenceTokenService } from '../../src/admin/reference-token-service.js';
import { UserService } from '../../src/admin/user-service.js';
import { AdminError } from '../../src/errors/admin-error.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { startErpApi, type RunningErpApi } from '../../examples/erp-api/server.js';
import { PASSWORD, startSignInServer, type SignInServer } from './authorize-support.js';
import { signInToAccount } from './account-support.js';

const ADMIN = { kind: 'admin' } as const;

/**
 * Long-lived reference tokens: issued by an administrator or (when the app allows users) by the user on
 * the account page; opaque, stored as hashes, introspected by the app and the APIs in their audience,
 * accepted by the resource-server module in introspection mode, revoked into the feed.
 */
describeEachDatabase('reference tokens: issue, introspect, use at an API, revoke', (database) => {
  let server: SignInServer;
  let api: { audience: string; secret: string };
  let erp: RunningErpApi;
  let toolSecret: string;
  const ctx = () => server.app.ctx;
  const tokens = () => new ReferenceTokenService(ctx());

  before(async () => {
    server = await startSignInServer(database().url);
    const created = await new ApiService(ctx()).create({ audience: 'erp-api', displayName: 'ERP', scopes: 'read update', generateSecret: true });
    api = { audience: 'erp-api', secret: created.generatedSecret! };
    toolSecret = (await createTestApp(ctx(), { clientId: 'tokens.app', displayName: 'Reports', requireConsent: false, accessTokens: 'users' })).secret!;
    await createTestApp(ctx(), { clientId: 'admins.app', displayName: 'Batch jobs', accessTokens: 'admins' });
    erp = await startErpApi({
      issuer: server.issuer, audience: 'erp-api', databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1',
      revocation: { introspection: { clientId: 'erp-api', clientSecret: api.secret, cacheMs: 0 } },
    });
  });
  after(async () => {
    await erp?.close();
    await server?.close();
  });

  const introspect = (token: string, auth: { clientId: string; secret: string }) => postForm(`${server.issuer}/connect/introspect`, { token }, { basic: auth });
  const asApi = () => ({ clientId: api.audience, secret: api.secret });
  const me = (token: string) => fetch(`${erp.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  it('an administrator issues one: shown once, stored as a hash; introspection by the API and the app; the sample API accepts it', async () => {
    const { token, value } = await tokens().create({ user: 'alice', clientId: 'tokens.app', scope: 'read', expiresIn: 90 * 86400, description: 'nightly report' }, ADMIN);
    assert.match(value, /^tgr_[A-Za-z0-9_-]{43}$/);
    assert.equal(token.status, 'active');
    assert.equal(token.createdBy, 'admin');
    const rows = await (await inspectDatabase(ctx())).selectFrom('reference_tokens').selectAll().where('id', '=', token.id).execute();
    assert.equal(rows[0]!.token_hash, sha256(value));
    assert.ok(!JSON.stringify(rows).includes(value), 'the value itself is stored nowhere');

    const byApi = await introspect(value, asApi());
    assert.equal(byApi.status, 200);
    const alice = (await ctx().store.users.getByLogin('alice'))!;
    assert.deepEqual(byApi.body, {
      active: true,
      scope: 'read',
      client_id: 'tokens.app',
      username: 'alice',
      token_type: 'Bearer',
      exp: Math.floor(token.expiresAt / 1000),
      iat: Math.floor(token.createdAt / 1000),
      nbf: Math.floor(token.createdAt / 1000),
      sub: alice.id,
      aud: 'erp-api',
      iss: server.issuer,
      jti: token.id,
      user_kind: 'internal',
    });
    assert.equal((await introspect(value, { clientId: 'tokens.app', secret: toolSecret })).body.active, true, 'its app sees it');
    const res = await me(value);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: alice.id, clientId: 'tokens.app', scopes: ['read'], userKind: 'internal' });
  });

  it('revoked: inactive at introspection, refused by the sample API, and listed in the revocation feed', async () => {
    const { token, value } = await tokens().create({ user: 'alice', clientId: 'tokens.app', scope: 'read', expiresIn: 86400 }, ADMIN);
    assert.equal((await me(value)).status, 200);
    const revoked = await tokens().revoke(token.id, ADMIN);
    assert.equal(revoked.status, 'revoked');
    assert.deepEqual((await introspect(value, asApi())).body, { active: false });
    const res = await me(value);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: 'the access token is not active: the issuer says it was revoked, has expired or is unknown' });
    const feed = await fetch(`${server.issuer}/connect/revocations`, { headers: { authorization: basicAuthorization(api.audience, api.secret) } });
    const claims = JSON.parse(Buffer.from((await feed.text()).split('.')[1]!, 'base64url').toString()) as { entries: { type: string; value: string }[] };
    assert.ok(claims.entries.some((e) => e.type === 'jti' && e.value === token.id), 'the feed lists its id');
    await assert.rejects(tokens().revoke(token.id, ADMIN), (e) => e instanceof AdminError && e.reason === 'token_already_revoked');
  });

  it('its app revokes it at /connect/revocation (RFC 7009); another app\'s attempt changes nothing', async () => {
    const { token, value } = await tokens().create({ user: 'alice', clientId: 'tokens.app', scope: 'read', expiresIn: 86400 }, ADMIN);
    const other = (await createTestApp(ctx(), { clientId: 'other.revoker', displayName: 'Other' })).secret!;
    const foreign = await postForm(`${server.issuer}/connect/revocation`, { token: value }, { basic: { clientId: 'other.revoker', secret: other } });
    assert.equal(foreign.status, 200, 'RFC 7009 2.2: 200 whatever the token');
    assert.equal((await introspect(value, asApi())).body.active, true, 'another app cannot revoke it');
    const own = await postForm(`${server.issuer}/connect/revocation`, { token: value, token_type_hint: 'access_token' }, { basic: { clientId: 'tokens.app', secret: toolSecret } });
    assert.equal(own.status, 200);
    assert.deepEqual((await introspect(value, asApi())).body, { active: false });
    assert.equal((await me(value)).status, 401);
    const [event] = (await ctx().store.auditEvents.query({ action: 'reference_token_revoked', limit: 1 })).events;
    assert.equal(event?.actor, 'app:tokens.app');
    assert.equal(event?.targetId, token.id);
    const again = await postForm(`${server.issuer}/connect/revocation`, { token: value }, { basic: { clientId: 'tokens.app', secret: toolSecret } });
    assert.equal(again.status, 200, 'revoking twice is fine');
  });

  it('inactive while the user or the app is disabled; a disabled user loses their tokens for good', async () => {
    await createTestUser(ctx(), { login: 'dana' });
    const { value } = await tokens().create({ user: 'dana', clientId: 'tokens.app', scope: 'read', expiresIn: 86400 }, ADMIN);
    await new AppService(ctx()).disable('tokens.app');
    assert.deepEqual((await introspect(value, asApi())).body, { active: false });
    await new AppService(ctx()).enable('tokens.app');
    assert.equal((await introspect(value, asApi())).body.active, true);
    await new UserService(ctx()).disable('dana');
    await new UserService(ctx()).enable('dana');
    assert.deepEqual((await introspect(value, asApi())).body, { active: false }, 'revoked with the rest of her access');
  });

  it('who may issue: none refuses, admins refuses users, only API scopes the app allows, a bounded lifetime', async () => {
    const refused = async (promise: Promise<unknown>, reason: string) => assert.rejects(promise, (e) => e instanceof AdminError && e.reason === reason);
    const alice = (await ctx().store.users.getByLogin('alice'))!;
    await refused(tokens().create({ user: 'alice', clientId: 'web.app', scope: 'read', expiresIn: 86400 }, ADMIN), 'tokens_not_allowed');
    await refused(tokens().create({ user: 'alice', clientId: 'admins.app', scope: 'read', expiresIn: 86400 }, { kind: 'user', userId: alice.id }), 'tokens_admins_only');
    assert.ok((await tokens().create({ user: 'alice', clientId: 'admins.app', scope: 'read', expiresIn: 86400 }, ADMIN)).value);
    await refused(tokens().create({ user: 'alice', clientId: 'tokens.app', scope: 'billing', expiresIn: 86400 }, ADMIN), 'token_scope_not_allowed');
    await refused(tokens().create({ user: 'alice', clientId: 'tokens.app', scope: 'openid read', expiresIn: 86400 }, ADMIN), 'token_scope_protocol');
    await refused(tokens().create({ user: 'alice', clientId: 'tokens.app', scope: 'read', expiresIn: 400 * 86400 }, ADMIN), 'token_lifetime_invalid');
    await refused(tokens().create({ user: 'bob', clientId: 'tokens.app', scope: 'read', expiresIn: 86400 }, { kind: 'user', userId: alice.id }), 'token_other_user');
  });

  it('on the account page a user issues a token (shown once), sees it listed and revokes it; another user cannot revoke it', async () => {
    const browser = new TestBrowser();
    const page = await signInToAccount(server, browser, 'bob', PASSWORD);
    assert.match(page, /<h2 id="tokens-title">Access tokens<\/h2>/);
    const create = parseForms(page).find((f) => f.action.endsWith('/account/tokens'));
    assert.ok(create, 'the page has the form to create a token');
    assert.doesNotMatch(page, /admins\.app/, 'apps that allow administrators only are not offered');
    const created = await browser.postForm(new URL(create.action, server.origin), { ...create.fields, app: 'tokens.app', scope: 'read', expires_in: '30d', description: 'my script' });
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const html = await created.text();
    const value = decodeEntities(/<code id="created-token">([^<]+)<\/code>/.exec(html)?.[1] ?? '');
    assert.match(value, /^tgr_/);
    assert.equal((await introspect(value, asApi())).body.username, 'bob');
    const listed = await browser.get(`${server.issuer}/account`);
    const again = await listed.text();
    assert.doesNotMatch(again, new RegExp(value), 'never shown again');
    assert.match(again, /my script/);

    const bobs = await tokens().list({ user: 'bob' });
    assert.equal(bobs.length, 1);
    assert.equal(bobs[0]!.createdBy, 'user');
    const audited = await ctx().store.auditEvents.query({ action: 'reference_token_created', userId: bobs[0]!.userId });
    assert.equal(audited.events.length, 1);
    assert.equal(audited.events[0]!.actor, `user:${bobs[0]!.userId}`, 'the user made it, on the account page');
    assert.equal(audited.events[0]!.targetId, bobs[0]!.id);
    assert.ok(!JSON.stringify(audited.events).includes(value), 'the token value is not in the trail');
    // alice cannot revoke bob's token with her own session (it is not hers)
    const aliceBrowser = new TestBrowser();
    const alicePage = await signInToAccount(server, aliceBrowser, 'alice', PASSWORD);
    const aliceRevoke = parseForms(alicePage).find((f) => f.action.endsWith('/account/tokens/revoke'));
    const foreignCsrf = aliceRevoke?.fields.csrf ?? parseForms(alicePage).find((f) => f.action.endsWith('/account/tokens'))!.fields.csrf!;
    const foreign = await aliceBrowser.postForm(new URL(`${server.issuer}/account/tokens/revoke`), { csrf: foreignCsrf, id: bobs[0]!.id });
    assert.equal(foreign.status, 400);
    assert.match(await foreign.text(), /No reference token with id/);
    assert.equal((await introspect(value, asApi())).body.active, true);

    const revokeForm = parseForms(again).find((f) => f.action.endsWith('/account/tokens/revoke'));
    assert.ok(revokeForm);
    const revoked = await browser.postForm(new URL(revokeForm.action, server.origin), revokeForm.fields);
    assert.equal(revoked.status, 200);
    assert.match(await revoked.text(), /The access token was revoked/);
    assert.deepEqual((await introspect(value, asApi())).body, { active: false });
  });

  it('a token form without the session\'s CSRF token changes nothing', async () => {
    const browser = new TestBrowser();
    await signInToAccount(server, browser, 'carol', PASSWORD);
    const before = (await tokens().list({ user: 'carol' })).length;
    const res = await browser.postForm(new URL(`${server.issuer}/account/tokens`), { csrf: 'forged', app: 'tokens.app', scope: 'read', expires_in: '30d' });
    assert.equal(res.status, 403);
    assert.equal((await tokens().list({ user: 'carol' })).length, before);
  });
});
