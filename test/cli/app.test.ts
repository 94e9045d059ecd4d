import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { runCli } from './run-cli.js';
import { startTestServer } from '../support/server.js';
import { failedWith, json, succeeded } from './assertions.js';

interface AppJson {
  clientId: string;
  displayName: string;
  clientType: string;
  enabled: boolean;
  loginRedirectUris: string[];
  logoutRedirectUris: string[];
  scopes: string[];
  allowInternalUsers: boolean;
  allowCommunityUsers: boolean;
  allowRefreshTokens: boolean;
  requireConsent: boolean;
  requireMfa: boolean;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  idTokenSignedResponseAlg: string | null;
  accessTokenSigningAlg: string | null;
}
interface SecretJson {
  id: string;
  status: string;
  description: string | null;
  expiresAt: string | null;
}

describeEachDatabase('CLI: trustgate app', (database) => {
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { env });
  before(() => {
    env = { DATABASE_URL: database().url };
  });

  it('app create registers a confidential app, shows a generated secret once and stores only its hash', async () => {
    const created = json<{ app: AppJson; generatedSecret: string }>(
      await cli(
        'app', 'create', 'my.trusted.app/first', '--name', 'My Web App', '--type', 'confidential', '--generate-secret',
        '--redirect-uri', 'https://app.example.com/callback', '--redirect-uri', 'http://127.0.0.1:5000/callback',
        '--logout-uri', 'https://app.example.com/signed-out', '--scope', 'read update', '--json',
      ),
    );
    assert.match(created.generatedSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(created.app, {
      ...created.app,
      clientId: 'my.trusted.app/first',
      displayName: 'My Web App',
      clientType: 'confidential',
      enabled: true,
      loginRedirectUris: ['https://app.example.com/callback', 'http://127.0.0.1:5000/callback'],
      logoutRedirectUris: ['https://app.example.com/signed-out'],
      scopes: ['read', 'update'],
      allowInternalUsers: true,
      allowCommunityUsers: false,
      allowRefreshTokens: true,
      requireConsent: true,
      accessTokenLifetime: 3600,
      refreshTokenLifetime: 2592000,
      idTokenSignedResponseAlg: null,
      accessTokenSigningAlg: null,
    });
    const store = await openStore(env.DATABASE_URL!);
    try {
      const secrets = await store.apps.listSecrets('my.trusted.app/first');
      assert.equal(secrets.length, 1);
      assert.equal(secrets[0]!.secretHash, sha256(created.generatedSecret));
    } finally {
      await store.close();
    }
    const shown = await cli('app', 'show', 'my.trusted.app/first', '--json');
    succeeded(shown);
    assert.ok(!shown.stdout.includes(created.generatedSecret), 'the secret is never shown again');
    assert.ok(!shown.stdout.includes(sha256(created.generatedSecret)), 'nor its hash');
  });

  it('prints a readable summary by default, with the generated secret and a warning that it is shown once', async () => {
    const result = await cli(
      'app', 'create', 'com.vendor/app', '--name', 'Vendor', '--type', 'confidential', '--generate-secret',
      '--redirect-uri', 'https://vendor.example.com/cb', '--community-users',
    );
    succeeded(result);
    assert.match(result.stdout, /^Created app com\.vendor\/app \(confidential\)\./);
    assert.match(result.stdout, /Users: +community\n/);
    assert.match(result.stdout, /Client secret \(shown only this once; store it now, it cannot be shown again\):\n[A-Za-z0-9_-]{43}\n$/);
  });

  it('app create of a public native app with every option', async () => {
    const created = json<{ app: AppJson; generatedSecret?: string }>(
      await cli(
        'app', 'create', 'com.example.mobile', '--name', 'Mobile', '--type', 'public',
        '--redirect-uri', 'com.example.app:/callback', '--redirect-uri', 'http://[::1]/cb',
        '--internal-users', '--community-users', '--no-refresh-tokens', '--no-consent',
        '--access-token-lifetime', '900', '--refresh-token-lifetime', '2h', '--scope', 'read', '--json',
      ),
    );
    assert.equal(created.generatedSecret, undefined);
    assert.equal(created.app.clientType, 'public');
    assert.equal(created.app.allowInternalUsers, true);
    assert.equal(created.app.allowCommunityUsers, true);
    assert.equal(created.app.allowRefreshTokens, false);
    assert.equal(created.app.requireConsent, false);
    assert.equal(created.app.accessTokenLifetime, 900);
    assert.equal(created.app.refreshTokenLifetime, 7200);
    assert.equal(created.app.requireMfa, false);
    const strict = json<{ app: AppJson }>(await cli('app', 'update', 'com.example.mobile', '--require-mfa', '--json'));
    assert.equal(strict.app.requireMfa, true);
    assert.match((await cli('app', 'show', 'com.example.mobile')).stdout, /Second factor: +required/);
    assert.equal(json<{ app: AppJson }>(await cli('app', 'update', 'com.example.mobile', '--no-require-mfa', '--json')).app.requireMfa, false);
  });

  it('a secret given by hand is accepted when long enough (also from stdin) and never printed', async () => {
    const secret = 'Z'.repeat(40);
    const result = await cli('app', 'create', 'manual', '--name', 'Manual', '--type', 'confidential', '--secret', secret, '--redirect-uri', 'https://m.example.com/cb');
    succeeded(result);
    assert.ok(!result.stdout.includes(secret));
    const fromStdin = await runCli(
      ['app', 'create', 'manual2', '--name', 'Manual 2', '--type', 'confidential', '--secret-stdin', '--redirect-uri', 'https://m.example.com/cb', '--json'],
      { env, input: `${'Y'.repeat(36)}\n` },
    );
    succeeded(fromStdin);
    const store = await openStore(env.DATABASE_URL!);
    try {
      assert.equal((await store.apps.listSecrets('manual2'))[0]!.secretHash, sha256('Y'.repeat(36)));
    } finally {
      await store.close();
    }
  });

  it('refuses invalid registrations with one precise line and exit code 1, storing nothing', async () => {
    const create = (...extra: string[]) => cli('app', 'create', 'bad.app', '--name', 'Bad', ...extra);
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'http://app.example.com/cb'),
      'trustgate: the login redirect URI "http://app.example.com/cb" is refused: http is only allowed for loopback hosts (http://127.0.0.1, http://[::1], http://localhost); use https',
    );
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://app.example.com/cb#x'),
      'trustgate: the login redirect URI "https://app.example.com/cb#x" is refused: it must not contain a fragment (#...) (RFC 6749 section 3.1.2)',
    );
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://*.example.com/cb'),
      'trustgate: the login redirect URI "https://*.example.com/cb" is refused: wildcards (*) are not allowed; register every URI exactly',
    );
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://app.example.com/cb', '--logout-uri', 'javascript:alert(1)'),
      'trustgate: the logout redirect URI "javascript:alert(1)" is refused: the "javascript:" scheme can never be a redirect target',
    );
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://app.example.com/cb', '--generate-secret'),
      'trustgate: a public app cannot have a secret (it runs in a browser or on a device and cannot keep one); drop the secret or make the app confidential',
    );
    failedWith(
      await create('--type', 'confidential', '--redirect-uri', 'https://app.example.com/cb'),
      'trustgate: a confidential app must have a secret: give --secret <value> or --generate-secret',
    );
    failedWith(
      await create('--type', 'confidential', '--secret', 'too-short', '--redirect-uri', 'https://app.example.com/cb'),
      'trustgate: the client secret is too short: it must be at least 32 characters so it cannot be guessed (secrets are stored as SHA-256 hashes, not slow password hashes); or use --generate-secret',
    );
    failedWith(await create('--type', 'public'), 'trustgate: at least one login redirect URI is required (--redirect-uri)');
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://app.example.com/cb', '--scope', 'read sec'),
      'trustgate: the scope "sec" is reserved for the instance\'s security infrastructure and cannot be given to an app',
    );
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://app.example.com/cb', '--access-token-lifetime', '0'),
      'trustgate: the access-token lifetime must be a whole number of seconds between 60 and 86400, got 0',
    );
    failedWith(
      await create('--type', 'public', '--redirect-uri', 'https://app.example.com/cb', '--access-token-lifetime', 'soon'),
      'error: option \'--access-token-lifetime <seconds>\' argument \'soon\' is invalid. expected a whole number of seconds or a duration such as 90s, 15m, 1h, 30d, got "soon".',
      2,
    );
    failedWith(
      await cli('app', 'create', 'bad app', '--name', 'x', '--type', 'public', '--redirect-uri', 'https://a.example.com/cb'),
      'trustgate: the ApplicationUri "bad app" is refused: it must use only visible ASCII characters (no spaces, control characters, non-ASCII letters, quotes, backslashes, backticks or angle brackets)',
    );
    const list = json<AppJson[]>(await cli('app', 'list', '--json'));
    assert.ok(!list.some((app) => app.clientId === 'bad.app'));
  });

  it('refuses a duplicate ApplicationUri', async () => {
    failedWith(
      await cli('app', 'create', 'my.trusted.app/first', '--name', 'Again', '--type', 'public', '--redirect-uri', 'https://a.example.com/cb'),
      'trustgate: an app with ApplicationUri "my.trusted.app/first" already exists',
    );
  });

  it('app list prints a table, or JSON with --json', async () => {
    const table = await cli('app', 'list');
    succeeded(table);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^APPLICATION URI +NAME +TYPE +ENABLED +USERS +SCOPES$/);
    assert.ok(lines.some((line) => /^my\.trusted\.app\/first +My Web App +confidential +yes +internal +read update$/.test(line)), table.stdout);
    const list = json<AppJson[]>(await cli('app', 'list', '--json'));
    assert.deepEqual(list.map((app) => app.clientId), ['com.example.mobile', 'com.vendor/app', 'manual', 'manual2', 'my.trusted.app/first']);
  });

  it('app update replaces the lists it is given and keeps the rest', async () => {
    const updated = json<{ app: AppJson }>(
      await cli('app', 'update', 'my.trusted.app/first', '--redirect-uri', 'https://new.example.com/cb', '--no-consent', '--scope', 'read', '--json'),
    );
    assert.deepEqual(updated.app.loginRedirectUris, ['https://new.example.com/cb']);
    assert.deepEqual(updated.app.logoutRedirectUris, ['https://app.example.com/signed-out']);
    assert.deepEqual(updated.app.scopes, ['read']);
    assert.equal(updated.app.requireConsent, false);
    assert.equal(updated.app.displayName, 'My Web App');
    failedWith(
      await cli('app', 'update', 'my.trusted.app/first', '--redirect-uri', 'ftp://x.example.com/cb'),
      'trustgate: the login redirect URI "ftp://x.example.com/cb" is refused: the "ftp:" scheme can never be a redirect target',
    );
    failedWith(await cli('app', 'update', 'nope', '--name', 'x'), 'trustgate: no app with ApplicationUri "nope"');
  });

  it('--id-token-alg and --access-token-alg choose the app\'s signing algorithms; `default` goes back to SIGNING_ALG', async () => {
    const created = json<{ app: AppJson }>(
      await cli(
        'app', 'create', 'algs.example/app', '--name', 'Algs', '--type', 'public', '--redirect-uri', 'https://algs.example.com/cb',
        '--id-token-alg', 'EdDSA', '--access-token-alg', 'ES256', '--json',
      ),
    );
    assert.equal(created.app.idTokenSignedResponseAlg, 'EdDSA');
    assert.equal(created.app.accessTokenSigningAlg, 'ES256');
    const shown = json<{ app: AppJson }>(await cli('app', 'show', 'algs.example/app', '--json')).app;
    const listed = json<AppJson[]>(await cli('app', 'list', '--json')).find((app) => app.clientId === 'algs.example/app')!;
    for (const view of [shown, listed]) {
      assert.deepEqual([view.idTokenSignedResponseAlg, view.accessTokenSigningAlg], ['EdDSA', 'ES256']);
    }
    const readable = await cli('app', 'show', 'algs.example/app');
    assert.match(readable.stdout, /\nID-token algorithm: +EdDSA\nAccess-token algorithm: +ES256\n/);

    const updated = json<{ app: AppJson }>(await cli('app', 'update', 'algs.example/app', '--id-token-alg', 'default', '--json')).app;
    assert.equal(updated.idTokenSignedResponseAlg, null, 'null follows SIGNING_ALG');
    assert.equal(updated.accessTokenSigningAlg, 'ES256', 'an option not given keeps its value');
    assert.match((await cli('app', 'show', 'algs.example/app')).stdout, /\nID-token algorithm: +RS256 \(SIGNING_ALG\)\n/);
    const withEs256 = await runCli(['app', 'show', 'algs.example/app'], { env: { ...env, SIGNING_ALG: 'ES256' } });
    assert.match(withEs256.stdout, /\nID-token algorithm: +ES256 \(SIGNING_ALG\)\n/);

    failedWith(
      await cli('app', 'update', 'algs.example/app', '--access-token-alg', 'HS256'),
      "error: option '--access-token-alg <alg>' argument 'HS256' is invalid. Allowed choices are RS256, ES256, EdDSA, default.",
      2,
    );
    assert.equal(json<{ app: AppJson }>(await cli('app', 'show', 'algs.example/app', '--json')).app.accessTokenSigningAlg, 'ES256');
    succeeded(await cli('app', 'delete', 'algs.example/app'));
  });

  it('--refresh-reuse-grace sets the app\'s refresh reuse grace window; `default` follows REFRESH_REUSE_GRACE_SECONDS', async () => {
    const created = json<{ app: AppJson & { refreshReuseGraceSeconds: number | null } }>(
      await cli(
        'app', 'create', 'grace.example/app', '--name', 'Grace', '--type', 'public', '--redirect-uri', 'https://grace.example.com/cb',
        '--refresh-reuse-grace', '10', '--json',
      ),
    );
    assert.equal(created.app.refreshReuseGraceSeconds, 10);
    assert.match((await cli('app', 'show', 'grace.example/app')).stdout, /\nRefresh reuse grace: +10 s/);
    const off = json<{ app: { refreshReuseGraceSeconds: number | null } }>(await cli('app', 'update', 'grace.example/app', '--refresh-reuse-grace', '0', '--json'));
    assert.equal(off.app.refreshReuseGraceSeconds, 0);
    const back = json<{ app: { refreshReuseGraceSeconds: number | null } }>(await cli('app', 'update', 'grace.example/app', '--refresh-reuse-grace', 'default', '--json'));
    assert.equal(back.app.refreshReuseGraceSeconds, null);
    assert.match((await cli('app', 'show', 'grace.example/app')).stdout, /\nRefresh reuse grace: +REFRESH_REUSE_GRACE_SECONDS\n/);
    failedWith(
      await cli('app', 'update', 'grace.example/app', '--refresh-reuse-grace', '301'),
      'trustgate: the refresh-token reuse grace window must be a whole number of seconds between 0 and 300, got 301',
    );
    succeeded(await cli('app', 'delete', 'grace.example/app'));
  });

  it('--require-par and --require-dpop are shown and can be switched off again', async () => {
    const created = json<{ app: { requirePar: boolean; requireDpop: boolean } }>(
      await cli('app', 'create', 'strict.example/app', '--name', 'Strict', '--type', 'public', '--redirect-uri', 'https://strict.example.com/cb', '--require-par', '--require-dpop', '--json'),
    );
    assert.deepEqual([created.app.requirePar, created.app.requireDpop], [true, true]);
    assert.match((await cli('app', 'show', 'strict.example/app')).stdout, /\nPushed requests \(PAR\): +required\nDPoP: +required\n/);
    const relaxed = json<{ app: { requirePar: boolean; requireDpop: boolean } }>(await cli('app', 'update', 'strict.example/app', '--no-require-par', '--no-require-dpop', '--json'));
    assert.deepEqual([relaxed.app.requirePar, relaxed.app.requireDpop], [false, false]);
    succeeded(await cli('app', 'delete', 'strict.example/app'));
  });

  it('app disable and enable flip the kill switch', async () => {
    const disabled = await cli('app', 'disable', 'my.trusted.app/first');
    succeeded(disabled);
    assert.equal(disabled.stdout, 'App my.trusted.app/first is disabled.\n');
    assert.equal(json<{ app: AppJson }>(await cli('app', 'show', 'my.trusted.app/first', '--json')).app.enabled, false);
    assert.equal(json<{ app: AppJson }>(await cli('app', 'enable', 'my.trusted.app/first', '--json')).app.enabled, true);
    failedWith(await cli('app', 'disable', 'nope'), 'trustgate: no app with ApplicationUri "nope"');
  });

  it('app secret add/list/revoke rotate secrets without downtime', async () => {
    const [original] = json<SecretJson[]>(await cli('app', 'secret', 'list', 'my.trusted.app/first', '--json'));
    assert.equal(original!.status, 'active');
    const added = json<{ secret: SecretJson; generatedSecret: string }>(
      await cli('app', 'secret', 'add', 'my.trusted.app/first', '--expires-in', '90d', '--description', 'rotation 2026', '--json'),
    );
    assert.match(added.generatedSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(added.secret.description, 'rotation 2026');
    assert.ok(added.secret.expiresAt && Date.parse(added.secret.expiresAt) > Date.now() + 89 * 86400_000);
    const both = json<SecretJson[]>(await cli('app', 'secret', 'list', 'my.trusted.app/first', '--json'));
    assert.deepEqual(both.map((s) => s.status), ['active', 'active']);
    const table = await cli('app', 'secret', 'list', 'my.trusted.app/first');
    succeeded(table);
    assert.match(table.stdout, /^ID +STATUS +CREATED +EXPIRES +DESCRIPTION\n/);
    assert.ok(!table.stdout.includes(added.generatedSecret));
    const revoked = await cli('app', 'secret', 'revoke', 'my.trusted.app/first', original!.id);
    succeeded(revoked);
    assert.equal(revoked.stdout, `Revoked secret ${original!.id} of my.trusted.app/first.\n`);
    failedWith(
      await cli('app', 'secret', 'revoke', 'my.trusted.app/first', added.secret.id),
      `trustgate: secret "${added.secret.id}" is the app's last active secret: revoking it locks "my.trusted.app/first" out; add a new secret first, or repeat with --force`,
    );
    failedWith(await cli('app', 'secret', 'revoke', 'my.trusted.app/first', 'nope'), 'trustgate: app "my.trusted.app/first" has no secret with id "nope"');
    failedWith(await cli('app', 'secret', 'add', 'com.example.mobile'), 'trustgate: "com.example.mobile" is a public app and cannot have a secret');
    failedWith(
      await cli('app', 'secret', 'add', 'my.trusted.app/first', '--secret', 'short'),
      'trustgate: the client secret is too short: it must be at least 32 characters so it cannot be guessed (secrets are stored as SHA-256 hashes, not slow password hashes); or use --generate-secret',
    );
    const forced = json<{ secret: SecretJson }>(await cli('app', 'secret', 'revoke', 'my.trusted.app/first', added.secret.id, '--force', '--json'));
    assert.equal(forced.secret.status, 'revoked');
  });

  it('app create/update --admin-api lets an app request trustgate:admin; the scope itself is not an API scope', async () => {
    const created = await cli('app', 'create', 'ops.tool', '--name', 'Ops tool', '--type', 'public', '--redirect-uri', 'http://127.0.0.1:7000/cb', '--admin-api', '--json');
    succeeded(created);
    assert.equal(JSON.parse(created.stdout).app.adminApi, true);
    const shown = await cli('app', 'show', 'ops.tool');
    assert.match(shown.stdout, /\nAdmin API: +may request trustgate:admin\n/);
    const off = await cli('app', 'update', 'ops.tool', '--no-admin-api', '--json');
    assert.equal(JSON.parse(off.stdout).app.adminApi, false);
    failedWith(
      await cli('app', 'update', 'ops.tool', '--scope', 'read trustgate:admin'),
      'trustgate: the scope "trustgate:admin" is not an API scope: give --admin-api to let the app request it',
    );
    succeeded(await cli('app', 'delete', 'ops.tool'));
  });

  it('app delete removes the app; later commands report it unknown', async () => {
    const deleted = await cli('app', 'delete', 'manual');
    succeeded(deleted);
    assert.equal(deleted.stdout, 'Deleted app manual.\n');
    failedWith(await cli('app', 'show', 'manual'), 'trustgate: no app with ApplicationUri "manual"');
    failedWith(await cli('app', 'delete', 'manual'), 'trustgate: no app with ApplicationUri "manual"');
  });

  it('the built-in account app (registered by the server) is marked in list and show, and refused by update and delete', async () => {
    await (await startTestServer({ databaseUrl: env.DATABASE_URL! })).close();
    const table = await cli('app', 'list');
    succeeded(table);
    assert.match(table.stdout, /\nurn:trustgate:account +Trustgate account \(built-in\) +public +yes +internal, community *\n/);
    const shown = await cli('app', 'show', 'urn:trustgate:account');
    succeeded(shown);
    assert.match(shown.stdout, /\nBuilt-in: +yes \(registered by every server at start-up; cannot be changed\)\n/);
    const listed = json<(AppJson & { builtIn: boolean })[]>(await cli('app', 'list', '--json'));
    assert.deepEqual(listed.filter((app) => app.builtIn).map((app) => app.clientId), ['urn:trustgate:account', 'urn:trustgate:console']);
    const refusal =
      'trustgate: "urn:trustgate:account" is built into Trustgate and cannot be changed, disabled or deleted; every server registers it at start-up';
    failedWith(await cli('app', 'delete', 'urn:trustgate:account'), refusal);
    failedWith(await cli('app', 'update', 'urn:trustgate:account', '--name', 'Mine'), refusal);
    failedWith(await cli('app', 'disable', 'urn:trustgate:account'), refusal);
    failedWith(
      await cli('app', 'create', 'urn:trustgate:mine', '--name', 'Mine', '--type', 'public', '--redirect-uri', 'https://app.example.com/cb'),
      'trustgate: ApplicationUris starting with "urn:trustgate:" are reserved for the apps built into Trustgate',
    );
  });
});
