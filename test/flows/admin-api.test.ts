import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describeEachDatabase } from '../support/databases.js';
import { createTestApp } from '../support/fixtures.js';
import { UserService } from '../../src/admin/user-service.js';
import { authorizeUrl, SPA_CALLBACK, type SignInServer } from './authorize-support.js';
import { ADMIN_TOOL, api, startAdminServer, tokenFor } from './admin-api-support.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

/** The admin API against its own OpenAPI document: every route answers what it declares. */
describeEachDatabase('admin API', (database) => {
  let server: SignInServer;
  let adminToken: string;
  let document: OpenApi;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const prefix = () => new URL(`${server.issuer}/admin/api/v1`).pathname;

  before(async () => {
    server = await startAdminServer(database().url);
    adminToken = await tokenFor(server, 'root');
    const response = await fetch(`${server.issuer}/admin/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    document = (await response.json()) as OpenApi;
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
  });
  after(() => server?.close());

  /** The declared schema of this answer; the body must match it, with the declared media type. */
  function conforms(method: string, path: string, answer: { status: number; body: unknown; headers: Headers }): void {
    const operation = document.paths[`${prefix()}${path}`]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${path} is not in the OpenAPI document`);
    const declared = operation.responses[String(answer.status)];
    assert.ok(declared, `${method} ${path} answered ${answer.status}, not declared (${Object.keys(operation.responses)}): ${JSON.stringify(answer.body)}`);
    if (answer.status === 204) return assert.equal(answer.body, undefined);
    const [mediaType, content] = Object.entries(declared.content ?? {})[0] ?? [];
    assert.ok(content, `${method} ${path} ${answer.status} declares no content`);
    const type = answer.headers.get('content-type') ?? '';
    if (answer.status >= 400) assert.match(type, /^application\/problem\+json/);
    else assert.match(type, new RegExp(`^${mediaType!.replace('+', '\\+')}`));
    const validate = ajv.compile(JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/schemas/', '"#/components/schemas/')));
    assert.ok(validate(answer.body), `${method} ${path} ${answer.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body)}`);
  }

  async function call(method: string, path: string, body?: unknown, token: string | undefined = adminToken) {
    const answer = await api(server, token, method, path, body);
    conforms(method, path.split('?')[0]!.replace(/^\/lint$/, '/lint').replace(/\/(apps|users|sessions|refresh-families|secrets|apis|reference-tokens)\/[^/]+/g, (_m, kind: string) => `/${kind}/{${paramOf(kind)}}`), answer);
    return answer;
  }

  it('is an OpenAPI 3.1 document of the admin routes only, every operation with a success and problem answers', () => {
    assert.equal(document.openapi, '3.1.0');
    const paths = Object.keys(document.paths);
    assert.ok(paths.length >= 15, paths.join(' '));
    for (const path of paths) {
      assert.ok(path.startsWith(prefix()), `not an admin route: ${path}`);
      for (const operation of Object.values(document.paths[path]!)) {
        assert.ok(operation.responses['401'] && operation.responses['403'], `${path} declares no 401/403`);
      }
    }
    assert.ok(!paths.some((p) => p.includes('/connect/')), 'protocol endpoints are not in the admin document');
  });

  it('apps: create (secret shown once), list, show, update, secrets add/list/revoke, disable/enable, delete', async () => {
    const created = await call('POST', '/apps', {
      clientId: 'https://crm.example.com',
      displayName: 'CRM',
      clientType: 'confidential',
      generateSecret: true,
      loginRedirectUris: ['https://crm.example.com/cb'],
      scopes: 'read',
    });
    assert.equal(created.status, 201);
    assert.match(created.body.generatedSecret, /^[\w-]{43}$/);
    const id = encodeURIComponent('https://crm.example.com');
    const shown = await call('GET', `/apps/${id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.secrets.length, 1);
    assert.ok(!JSON.stringify(shown.body).includes(created.body.generatedSecret), 'the secret is shown only once');
    assert.equal((await call('GET', '/apps')).status, 200);
    const updated = await call('PATCH', `/apps/${id}`, { displayName: 'CRM 2', requireMfa: true });
    assert.equal(updated.body.app.displayName, 'CRM 2');
    // the settings the CLI has (PAR, DPoP, the reuse grace window) are the API's too
    const hardened = await call('PATCH', `/apps/${id}`, { requirePar: true, requireDpop: true, refreshReuseGraceSeconds: 5 });
    assert.equal(hardened.status, 200, JSON.stringify(hardened.body));
    assert.deepEqual(
      [hardened.body.app.requirePar, hardened.body.app.requireDpop, hardened.body.app.refreshReuseGraceSeconds, hardened.body.app.systemUserId],
      [true, true, 5, null],
    );
    const stored = (await server.app.ctx.store.apps.get('https://crm.example.com'))!;
    assert.deepEqual([stored.requirePar, stored.requireDpop, stored.refreshReuseGraceSeconds], [true, true, 5]);
    const added = await call('POST', `/apps/${id}/secrets`, { generateSecret: true, description: 'rotation' });
    assert.equal(added.status, 201);
    assert.ok(added.body.generatedSecret);
    assert.equal((await call('GET', `/apps/${id}/secrets`)).body.secrets.length, 2);
    const old = shown.body.secrets[0].id as string;
    const revoked = await call('POST', `/apps/${id}/secrets/${old}/revoke`, {});
    assert.equal(revoked.body.secret.status, 'revoked');
    const last = await call('POST', `/apps/${id}/secrets/${added.body.secret.id}/revoke`, {});
    assert.equal(last.status, 400);
    assert.equal(last.body.reason, 'last_active_secret');
    assert.deepEqual(last.body.fields, ['force']);
    assert.equal((await call('POST', `/apps/${id}/disable`)).body.app.enabled, false);
    assert.equal((await call('POST', `/apps/${id}/enable`)).body.app.enabled, true);
    assert.equal((await call('GET', `/apps/${id}/refresh-families`)).status, 200);
    // the linter: a public app with a long refresh lifetime is risky
    await call('POST', '/apps', { clientId: 'lint.app', displayName: 'Lint', clientType: 'public', loginRedirectUris: ['https://l.example.com/cb'], refreshTokenLifetime: 90 * 86400 });
    const linted = await call('GET', '/apps/lint.app/lint');
    assert.ok(linted.body.warnings.some((w: { rule: string }) => w.rule === 'long_public_refresh_lifetime'), JSON.stringify(linted.body));
    assert.ok((await call('GET', '/lint')).body.apps >= 2);
    assert.equal((await call('DELETE', `/apps/${id}`)).status, 204);
    const gone = await call('GET', `/apps/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.type, 'urn:trustgate:problem:app_not_found');
    assert.equal(gone.body.title, 'Not found');
  });

  it('refusals are problem documents with the structured reason and fields', async () => {
    const duplicate = await call('POST', '/apps', { clientId: 'web.app', displayName: 'X', clientType: 'public', loginRedirectUris: ['https://x.example.com/cb'] });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.reason, 'app_exists');
    const malformed = await call('POST', '/apps', { clientId: 'x.app', displayName: 'X', clientType: 'sideways', loginRedirectUris: [] });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.reason, 'request_invalid');
    assert.deepEqual(malformed.body.fields, ['clientType']);
    const builtIn = await call('POST', `/apps/${encodeURIComponent('urn:trustgate:console')}/disable`);
    assert.equal(builtIn.status, 400);
    assert.equal(builtIn.body.reason, 'builtin_app');
    // hostile input: a 4xx problem document on both databases, never a 5xx
    for (const [method, path, body] of [
      ['GET', '/apps/a%00b', undefined],
      ['GET', '/users/%ED%A0%80', undefined],
      ['GET', '/users/a%00b/sessions', undefined],
      ['POST', '/refresh-families/%00/revoke', undefined],
      ['POST', '/sessions/%F0%9F/end', undefined],
      ['POST', '/apps', { clientId: 'nul.app', displayName: 'N\u0000L', clientType: 'public', loginRedirectUris: ['https://n.example.com/cb'] }],
      ['PATCH', '/users/alice', { displayName: '\ud800' }],
    ] as const) {
      const answer = await api(server, adminToken, method, path, body);
      assert.ok(answer.status >= 400 && answer.status < 500, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, `${method} ${path}`);
    }
    // a filter no event can match finds nothing, the same on both databases
    assert.deepEqual((await call('GET', '/audit-events?app=%00&user=%ED%A0%80x')).body, { events: [], nextCursor: null });
    const unknownRoute = await api(server, adminToken, 'GET', '/nothing-here');
    assert.equal(unknownRoute.status, 404);
    assert.match(unknownRoute.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('users: create, show, update, unlock, require-mfa, second factors, reset link, sessions, disable/enable', async () => {
    const created = await call('POST', '/users', { login: 'dave', displayName: 'Dave Doe', kind: 'internal', password: 'plum orbit velvet canyon' });
    assert.equal(created.status, 201);
    assert.equal(created.body.user.isAdmin, false);
    assert.equal((await call('GET', '/users')).status, 200);
    assert.equal((await call('GET', '/users/dave')).body.user.login, 'dave');
    assert.equal((await call('PATCH', '/users/dave', { isAdmin: true, email: 'dave@example.com' })).body.user.isAdmin, true);
    assert.equal((await call('POST', '/users/dave/unlock')).body.cleared, 0);
    assert.equal((await call('POST', '/users/dave/require-mfa', { required: true })).body.user.requireMfa, true);
    assert.equal((await call('GET', '/users/dave/second-factors')).body.totp, false);
    assert.equal((await call('POST', '/users/dave/second-factors/reset')).body.removed, 0);
    assert.match((await call('POST', '/users/dave/reset-link')).body.url, /\/account\/reset\//);
    // alice signs in to an app with refresh tokens: her session and family are listed, then ended by an administrator
    await tokenFor(server, 'alice', { scope: 'openid offline_access' });
    const sessions = await call('GET', '/users/alice/sessions');
    assert.equal(sessions.body.sessions.length, 1);
    const families = await call('GET', '/users/alice/refresh-families');
    assert.equal(families.body.families.length, 1);
    assert.equal((await call('GET', `/apps/${ADMIN_TOOL.clientId}/refresh-families`)).body.families.length, 1);
    assert.equal((await call('POST', `/sessions/${sessions.body.sessions[0].sid}/end`)).status, 200);
    assert.equal((await call('POST', `/refresh-families/${families.body.families[0].id}/revoke`)).status, 200);
    assert.deepEqual((await call('GET', '/users/alice/sessions')).body.sessions, []);
    assert.deepEqual((await call('GET', '/users/alice/refresh-families')).body.families, []);
    assert.equal((await call('POST', '/sessions/no-such-sid/end')).status, 404);
    assert.equal((await call('POST', '/refresh-families/no-such-family/revoke')).status, 404);
    assert.equal((await call('POST', '/users/alice/end-sessions')).status, 200);
    assert.equal((await call('POST', '/users/dave/disable')).body.user.enabled, false);
    assert.equal((await call('POST', '/users/dave/enable')).body.user.enabled, true);
    assert.equal((await call('GET', '/users/nobody')).status, 404);
  });

  it('audit events: every change of this suite is on the trail with its actor and address; filters; the failure trail', async () => {
    const root = (await server.app.ctx.store.users.getByLogin('root'))!;
    const crm = await call('GET', `/audit-events?app=${encodeURIComponent('https://crm.example.com')}&actor=user:${root.id}`);
    assert.equal(crm.status, 200);
    const actions = crm.body.events.map((e: { action: string }) => e.action);
    for (const action of ['app_created', 'app_updated', 'app_secret_added', 'app_secret_revoked', 'app_disabled', 'app_enabled', 'app_deleted']) {
      assert.ok(actions.includes(action), `${action} in ${actions}`);
    }
    for (const event of crm.body.events) {
      assert.equal(event.actor, `user:${root.id}`);
      assert.equal(event.sourceAddress, '127.0.0.1');
    }
    const dave = await call('GET', '/audit-events?user=dave&action=user_updated');
    assert.deepEqual(dave.body.events[0].details.changes.isAdmin, { from: false, to: true });
    const ended = await call('GET', '/audit-events?action=user_sessions_ended&limit=1');
    assert.equal(ended.body.events.length, 1);
    assert.equal((await call('GET', '/audit-events?since=yesterday')).body.reason, 'audit_time_invalid');
    // a refused request of web.app lands on its failure trail
    await fetch(authorizeUrl(server.issuer, { client_id: 'web.app', redirect_uri: 'https://evil.example.com/cb', response_type: 'code', scope: 'openid', state: 's' }));
    const failures = await call('GET', '/apps/web.app/failures?limit=5');
    assert.equal(failures.status, 200);
    assert.ok(failures.body.events.some((e: { reason: string }) => /redirect_uri/.test(e.reason ?? '')), JSON.stringify(failures.body.events));
    assert.equal((await call('GET', '/apps/nothing.app/failures')).status, 404);
  });

  it('registered APIs and their secrets; reference tokens issued (shown once) and revoked', async () => {
    const created = await call('POST', '/apis', { audience: 'https://billing.example.com', displayName: 'Billing', scopes: 'billing.read', generateSecret: true });
    assert.equal(created.status, 201);
    assert.ok(created.body.generatedSecret);
    const id = encodeURIComponent('https://billing.example.com');
    assert.equal((await call('GET', '/apis')).status, 200);
    assert.equal((await call('GET', `/apis/${id}`)).body.secrets.length, 1);
    assert.deepEqual((await call('PATCH', `/apis/${id}`, { scopes: ['billing.read', 'billing.write'] })).body.api.scopes, ['billing.read', 'billing.write']);
    const added = await call('POST', `/apis/${id}/secrets`, { generateSecret: true });
    assert.equal(added.status, 201);
    assert.equal((await call('POST', `/apis/${id}/secrets/${added.body.secret.id}/revoke`, {})).body.secret.status, 'revoked');
    assert.equal((await call('DELETE', `/apis/${id}`)).status, 204);
    assert.equal((await call('GET', `/apis/${id}`)).status, 404);

    await call('POST', '/apps', { clientId: 'tokens.app', displayName: 'Tokens', clientType: 'confidential', generateSecret: true, loginRedirectUris: ['https://t.example.com/cb'], scopes: 'read', accessTokens: 'admins' });
    const issued = await call('POST', '/reference-tokens', { user: 'bob', clientId: 'tokens.app', scope: 'read', expiresIn: 3600, description: 'batch job' });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    assert.ok(issued.body.value);
    const listed = await call('GET', '/reference-tokens?app=tokens.app');
    assert.equal(listed.body.tokens.length, 1);
    assert.ok(!JSON.stringify(listed.body).includes(issued.body.value), 'the value is shown once');
    assert.equal((await call('POST', `/reference-tokens/${issued.body.token.id}/revoke`)).body.token.status, 'revoked');
    const refused = await call('POST', '/reference-tokens', { user: 'bob', clientId: 'web.app', scope: 'read', expiresIn: 3600 });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
  });

  it('a service app allowed the admin API, acting as an administrator system user, automates with client_credentials (actor app:<client_id>)', async () => {
    const { secret } = await createTestApp(server.app.ctx, { clientId: 'svc.admin', loginRedirectUris: [], systemUser: 'root', adminApi: true, scopes: ['read'] });
    const response = await fetch(`${server.issuer}/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`svc.admin:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'trustgate:admin' }),
    });
    const body = (await response.json()) as { access_token: string };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal((await api(server, body.access_token, 'GET', '/apps')).status, 200);
    assert.equal((await api(server, body.access_token, 'POST', '/users/bob/unlock')).status, 200);
    const events = await call('GET', '/audit-events?action=user_unlocked&actor=app:svc.admin');
    assert.equal(events.body.events.length, 1);
    // a service app not allowed the admin API cannot get the scope
    const { secret: plain } = await createTestApp(server.app.ctx, { clientId: 'svc.plain', loginRedirectUris: [], systemUser: 'root', scopes: ['read'] });
    const refused = await fetch(`${server.issuer}/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`svc.plain:${plain}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'trustgate:admin' }),
    });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_scope');
  });

  it('keys: list and rotate', async () => {
    const listed = await call('GET', '/keys');
    assert.ok(listed.body.keys.length >= 1);
    const rotated = await call('POST', '/keys/rotate', {});
    assert.equal(rotated.status, 200);
    assert.ok(rotated.body.keys.length >= 1);
  });

  it('every route: no token is a 401 problem with a Bearer challenge; a non-administrator token is a 403 problem', async () => {
    // a user who is not an administrator gets no trustgate:admin token at all
    await assert.rejects(tokenFor(server, 'alice'), /only granted to administrators/);
    // an administrator demoted after the token was issued: the flag is checked at every call
    await new UserService(server.app.ctx).create({ login: 'erin', displayName: 'Erin', kind: 'internal', password: 'correct horse battery staple', isAdmin: true });
    const aliceToken = await tokenFor(server, 'erin');
    await new UserService(server.app.ctx).update('erin', { isAdmin: false });
    const noAdminScope = await tokenFor(server, 'root', { clientId: 'spa.app', redirectUri: SPA_CALLBACK, scope: 'openid read' });
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const concrete = path.slice(prefix().length).replace(/\{[^}]+\}/g, 'x');
        const body = ['post', 'patch'].includes(method) ? {} : undefined;
        const anonymous = await api(server, undefined, method.toUpperCase(), concrete, body);
        assert.equal(anonymous.status, 401, `${method} ${path}`);
        assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
        conforms(method, path.slice(prefix().length), anonymous);
        const notAdmin = await api(server, aliceToken, method.toUpperCase(), concrete, body);
        assert.equal(notAdmin.status, 403, `${method} ${path}`);
        assert.equal(notAdmin.body.reason, 'not_an_administrator');
        assert.match(notAdmin.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
        conforms(method, path.slice(prefix().length), notAdmin);
        const noScope = await api(server, noAdminScope, method.toUpperCase(), concrete, body);
        assert.equal(noScope.status, 403, `${method} ${path}`);
        assert.equal(noScope.body.reason, 'insufficient_scope');
      }
    }
    const forged = await api(server, `${adminToken.slice(0, -4)}AAAA`, 'GET', '/apps');
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('an app not allowed the admin API cannot get trustgate:admin, nor be registered with it as an API scope', async () => {
    const url = authorizeUrl(server.issuer, { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb', response_type: 'code', scope: 'openid trustgate:admin', state: 's' });
    const answer = await fetch(url, { redirect: 'manual' });
    assert.equal(answer.status, 303);
    const location = new URL(answer.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
    assert.equal(location.searchParams.get('error_description'), 'the scope "trustgate:admin" is not allowed: this app is not allowed to call the admin API');
    const smuggled = await call('POST', '/apps', { clientId: 'sneaky.app', displayName: 'Sneaky', clientType: 'public', loginRedirectUris: ['https://s.example.com/cb'], scopes: ['trustgate:admin'] });
    assert.equal(smuggled.status, 400);
    assert.equal(smuggled.body.reason, 'scope_admin_api');
    await assert.rejects(createTestApp(server.app.ctx, { clientId: 'sneaky2.app', scopes: 'read trustgate:admin' }), /not an API scope/);
  });

  it('the token only in the Authorization header; JSON bodies only; no CORS; the administrator flag is checked on every call', async () => {
    const inQuery = await api(server, undefined, 'GET', `/apps?access_token=${adminToken}`);
    assert.equal(inQuery.status, 401);
    const form = await fetch(`${server.issuer}/admin/api/v1/users/alice/unlock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1',
    });
    assert.equal(form.status, 415);
    assert.match(form.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const cross = await api(server, adminToken, 'GET', '/apps', undefined, { origin: 'https://evil.example.com' });
    assert.equal(cross.status, 200);
    assert.equal(cross.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.issuer}/admin/api/v1/apps`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const token = await tokenFor(server, 'root');
    await new UserService(server.app.ctx).update('root', { isAdmin: false });
    try {
      const demoted = await api(server, token, 'GET', '/apps');
      assert.equal(demoted.status, 403);
      assert.equal(demoted.body.reason, 'not_an_administrator');
    } finally {
      await new UserService(server.app.ctx).update('root', { isAdmin: true });
    }
    const disabledTool = await new (await import('../../src/admin/app-service.js')).AppService(server.app.ctx).disable(ADMIN_TOOL.clientId);
    try {
      assert.equal(disabledTool.enabled, false);
      assert.equal((await api(server, token, 'GET', '/apps')).status, 403);
    } finally {
      await new (await import('../../src/admin/app-service.js')).AppService(server.app.ctx).enable(ADMIN_TOOL.clientId);
    }
  });
});

function paramOf(kind: string): string {
  return { apps: 'clientId', users: 'user', sessions: 'sid', 'refresh-families': 'familyId', secrets: 'secretId', apis: 'audience', 'reference-tokens': 'id' }[kind]!;
}
