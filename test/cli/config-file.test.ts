import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { describeEachDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { anApp } from '../stores/support.js';
import { runCli } from './run-cli.js';
import { failedWith, json, succeeded } from './assertions.js';

const NEW_SECRET = 'a-new-secret-from-the-environment-0123456789';
const FILE_SECRET = 'a-rotated-secret-read-from-a-file-9876543210';

/** `trustgate export` / `apply -f` (idempotent, a diff, secrets only by reference) and `trustgate app lint`. */
describeEachDatabase('CLI: trustgate export, apply and app lint', (database) => {
  let env: Record<string, string>;
  let dir: string;
  let webSecret: string;
  const cli = (...args: string[]) => runCli(args, { env });
  const auditCount = async () => json<unknown[]>(await cli('audit', '--limit', '1000', '--json')).length;
  before(async () => {
    env = { DATABASE_URL: database().url, USER: 'ops', ISSUER_URL: 'https://id.example.com', NEW_APP_SECRET: NEW_SECRET };
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustgate-apply-'));
    webSecret = json<{ generatedSecret: string }>(
      await cli('app', 'create', 'web.app', '--name', 'Web', '--type', 'confidential', '--generate-secret', '--redirect-uri', 'https://web.example.com/cb', '--scope', 'read update', '--json'),
    ).generatedSecret;
    succeeded(await cli('app', 'create', 'spa.app', '--name', 'Spa', '--type', 'public', '--redirect-uri', 'https://spa.example.com/cb'));
  });

  it('export writes every app with its settings as YAML, never a secret; applying it back changes nothing', async () => {
    const exported = await cli('export');
    succeeded(exported);
    assert.ok(!exported.stdout.includes(webSecret) && !exported.stdout.includes(sha256(webSecret)));
    const doc = parse(exported.stdout) as { version: number; apps: Record<string, unknown>[] };
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.apps.map((app) => app.clientId), ['spa.app', 'web.app'], 'the built-in account app is not exported');
    assert.deepEqual(doc.apps[1]!.scopes, ['read', 'update']);
    writeFileSync(path.join(dir, 'same.yaml'), exported.stdout);
    const before = await auditCount();
    const applied = await cli('apply', '-f', path.join(dir, 'same.yaml'));
    succeeded(applied);
    assert.equal(applied.stdout, '= app spa.app unchanged\n= app web.app unchanged\nNo changes.\n');
    assert.equal(await auditCount(), before, 'nothing was changed, so nothing was audited');
  });

  it('apply creates, updates and adds referenced secrets with a diff; --dry-run changes nothing; the second apply is a no-op', async () => {
    const doc = parse((await cli('export')).stdout) as { version: number; apps: Record<string, unknown>[] };
    doc.apps[0]!.displayName = 'Customer SPA';
    doc.apps[0]!.refreshTokenLifetime = '2d';
    writeFileSync(path.join(dir, 'web-secret'), `${FILE_SECRET}\n`);
    doc.apps[1]!.secrets = [{ secretFrom: { file: 'web-secret' }, description: 'rotated' }];
    doc.apps.push({
      clientId: 'new.app',
      displayName: 'New App',
      clientType: 'confidential',
      loginRedirectUris: ['https://new.example.com/cb'],
      scopes: 'read',
      secrets: [{ secretFrom: { env: 'NEW_APP_SECRET' }, description: 'initial' }],
    });
    const file = path.join(dir, 'changed.yaml');
    writeFileSync(file, stringify(doc));
    const exportedBefore = (await cli('export')).stdout;

    const dry = await cli('apply', '-f', file, '--dry-run');
    succeeded(dry);
    assert.equal(
      dry.stdout,
      [
        '~ update app spa.app',
        '    displayName: "Spa" → "Customer SPA"',
        '    refreshTokenLifetime: 86400 → 172800',
        '+ add secret to app web.app from file web-secret',
        '+ create app new.app',
        '    displayName: "New App"',
        '    clientType: "confidential"',
        '    loginRedirectUris: ["https://new.example.com/cb"]',
        '    scopes: ["read"]',
        '    secret from environment variable NEW_APP_SECRET',
        'Dry run: would apply 1 created, 1 updated, 1 secret added, 0 unchanged; nothing was changed.',
        '',
      ].join('\n'),
    );
    assert.equal((await cli('export')).stdout, exportedBefore, 'a dry run changes nothing');

    const applied = await cli('apply', '-f', file);
    succeeded(applied);
    assert.match(applied.stdout, /Applied: 1 created, 1 updated, 1 secret added, 0 unchanged\.\n$/);
    assert.ok(!applied.stdout.includes(NEW_SECRET) && !applied.stdout.includes(FILE_SECRET));
    const store = await openStore(env.DATABASE_URL!);
    try {
      assert.equal((await store.apps.get('spa.app'))!.displayName, 'Customer SPA');
      assert.ok((await store.apps.listSecrets('new.app')).some((s) => s.secretHash === sha256(NEW_SECRET) && s.description === 'initial'));
      const web = await store.apps.listSecrets('web.app');
      assert.ok(web.some((s) => s.secretHash === sha256(FILE_SECRET) && s.description === 'rotated'));
      assert.ok(web.some((s) => s.secretHash === sha256(webSecret) && s.revokedAt === null), 'secrets not in the file stay');
    } finally {
      await store.close();
    }
    const trail = json<{ action: string; actor: string }[]>(await cli('audit', '--since', '1h', '--json'));
    assert.deepEqual(trail.slice(0, 3).map((e) => [e.action, e.actor]), [['app_created', 'cli:ops'], ['app_secret_added', 'cli:ops'], ['app_updated', 'cli:ops']]);

    const before = await auditCount();
    const again = await cli('apply', '-f', file);
    succeeded(again);
    assert.equal(again.stdout, '= app spa.app unchanged\n= app web.app unchanged\n= app new.app unchanged\nNo changes.\n');
    assert.equal(await auditCount(), before);
  });

  it('registered APIs are in the file too: created with a referenced secret, exported, changed, and a second apply is a no-op', async () => {
    const file = path.join(dir, 'apis.yaml');
    writeFileSync(file, 'version: 1\napis:\n  - audience: erp-api\n    displayName: ERP API\n    scopes: [erp.read]\n    secrets:\n      - secretFrom: { env: API_SECRET }\napps: []\n');
    const apiEnv = { ...env, API_SECRET: 'an-api-secret-from-the-environment-0123456' };
    const created = await runCli(['apply', '-f', file], { env: apiEnv });
    succeeded(created);
    assert.equal(created.stdout, '+ create API erp-api\n    displayName: "ERP API"\n    scopes: ["erp.read"]\n    secret from environment variable API_SECRET\nApplied: 1 created, 0 updated, 0 secrets added, 0 unchanged.\n');
    const exported = parse((await cli('export')).stdout) as { apis: unknown[] };
    assert.deepEqual(exported.apis, [{ audience: 'erp-api', displayName: 'ERP API', scopes: ['erp.read'] }]);
    assert.equal((await runCli(['apply', '-f', file], { env: apiEnv })).stdout, '= API erp-api unchanged\nNo changes.\n');
    writeFileSync(file, 'version: 1\napis:\n  - audience: erp-api\n    scopes: [erp.read, erp.write]\napps: []\n');
    const changed = await cli('apply', '-f', file);
    succeeded(changed);
    assert.equal(changed.stdout, '~ update API erp-api\n    scopes: ["erp.read"] → ["erp.read","erp.write"]\nApplied: 0 created, 1 updated, 0 secrets added, 0 unchanged.\n');
    assert.equal((await cli('apply', '-f', file)).stdout, '= API erp-api unchanged\nNo changes.\n');
  });

  it('service-app settings are in the file: the system user by login, client keys and the reuse grace window; a second apply is a no-op', async () => {
    succeeded(await runCli(['user', 'create', 'svc-robot', '--name', 'Robot', '--kind', 'internal', '--password-stdin'], { env, input: 'copper-meadow-lantern-9931\n' }));
    const file = path.join(dir, 'service.yaml');
    const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'svc-1' }] };
    writeFileSync(file, stringify({
      version: 1,
      apps: [{ clientId: 'svc.app', displayName: 'Nightly sync', clientType: 'confidential', scopes: ['read'], systemUser: 'svc-robot', jwks, refreshReuseGraceSeconds: 10 }],
    }));
    const created = await cli('apply', '-f', file);
    succeeded(created);
    assert.match(created.stdout, /\+ create app svc\.app\n[^]*    systemUser: "svc-robot"\n/);
    const shown = json<{ app: { systemUserId: string | null; jwks: unknown; refreshReuseGraceSeconds: number | null } }>(await cli('app', 'show', 'svc.app', '--json')).app;
    assert.ok(shown.systemUserId, 'the system user is set');
    assert.deepEqual(shown.jwks, jwks);
    const exported = (parse((await cli('export')).stdout) as { apps: Record<string, unknown>[] }).apps.find((app) => app.clientId === 'svc.app')!;
    assert.equal(exported.systemUser, 'svc-robot', 'exported by login, not by id');
    assert.deepEqual(exported.jwks, jwks);
    assert.equal(exported.refreshReuseGraceSeconds, 10);
    assert.equal(exported.systemUserId, undefined);
    assert.equal((await cli('apply', '-f', file)).stdout, '= app svc.app unchanged\nNo changes.\n');
    writeFileSync(file, stringify({ version: 1, apps: [{ clientId: 'svc.app', refreshReuseGraceSeconds: null }] }));
    const changed = await cli('apply', '-f', file);
    succeeded(changed);
    assert.equal(changed.stdout, '~ update app svc.app\n    refreshReuseGraceSeconds: 10 → null\nApplied: 0 created, 1 updated, 0 secrets added, 0 unchanged.\n');
    writeFileSync(file, stringify({ version: 1, apps: [{ clientId: 'svc.app', systemUser: 'nobody-by-that-name' }] }));
    failedWith(await cli('apply', '-f', file), /nobody-by-that-name/);
    assert.equal(json<{ app: { systemUserId: string | null } }>(await cli('app', 'show', 'svc.app', '--json')).app.systemUserId, shown.systemUserId, 'a refused file changes nothing');
  });

  it('refuses secrets written into the file, unresolvable references and unknown fields, changing nothing', async () => {
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const exportedBefore = (await cli('export')).stdout;
    failedWith(
      await cli('apply', '-f', write('inline.yaml', 'version: 1\napps:\n  - clientId: web.app\n    secrets:\n      - secret: plain-text-secret-in-a-file-0123456789\n')),
      'trustgate: apps[0].secrets[0]: secrets are never written in the file; reference one with secretFrom: {env: NAME} or {file: path}',
    );
    failedWith(
      await cli('apply', '-f', write('missing.yaml', 'version: 1\napps:\n  - clientId: spa.app\n    displayName: Changed\n  - clientId: web.app\n    secrets:\n      - secretFrom: { env: NOT_SET_ANYWHERE }\n')),
      'trustgate: apps[1].secrets[0]: environment variable NOT_SET_ANYWHERE: is not set',
    );
    failedWith(await cli('apply', '-f', write('unknown.yaml', 'version: 1\napps:\n  - clientId: web.app\n    colour: blue\n')), /^trustgate: unknown field apps\[0\]\.colour/);
    failedWith(await cli('apply', '-f', write('builtin.yaml', 'version: 1\napps:\n  - clientId: urn:trustgate:account\n    displayName: Mine\n')), /built into Trustgate/);
    failedWith(await cli('apply', '-f', write('bad.yaml', 'version: [1\n')), /^trustgate: the file is not valid YAML/);
    // a valid change before a refused app: the whole file is checked first, so nothing changes (dry run or not)
    const refused = write('refused.yaml', 'version: 1\napps:\n  - clientId: spa.app\n    displayName: Renamed\n  - clientId: broken.app\n    displayName: Broken\n    clientType: public\n    loginRedirectUris: [not-a-uri]\n');
    for (const extra of [['--dry-run'], []]) {
      const result = await cli('apply', '-f', refused, ...extra);
      failedWith(result, /^trustgate: apps\[1\] \(broken\.app\): /);
    }
    assert.equal((await cli('export')).stdout, exportedBefore);
  });

  it('app lint: risky registrations are warnings (exit 3), a clean app exits 0, an unknown app exits 1', async () => {
    succeeded(await cli('app', 'create', 'risky.app', '--name', 'Risky', '--type', 'public', '--redirect-uri', 'http://127.0.0.1:7000/cb', '--community-users', '--scope', 'read update', '--refresh-token-lifetime', '30d'));
    succeeded(await cli('app', 'create', 'expiring.app', '--name', 'Expiring', '--type', 'confidential', '--secret', 'x'.repeat(40), '--redirect-uri', 'https://e.example.com/cb'));
    const store = await openStore(env.DATABASE_URL!);
    try {
      // expiring.app's only secret now expires in 5 days
      const [secret] = await store.apps.listSecrets('expiring.app');
      await store.apps.revokeSecret('expiring.app', secret!.id, Date.now());
      await store.apps.addSecret({ ...secret!, id: 'soon', revokedAt: null, expiresAt: Date.now() + 5 * 86_400_000 });
      // an app registered 60 days ago whose sign-ins (on the trail) used one of two redirect URIs, one without PKCE
      await store.apps.insert(anApp('old.app', { loginRedirectUris: ['https://old.example.com/cb', 'https://old.example.com/legacy'], allowCommunityUsers: false, createdAt: Date.now() - 60 * 86_400_000 }), []);
      for (const [i, pkce] of [true, false, true].entries()) {
        await store.auditEvents.append({
          id: `lint-${i}`, at: Date.now() - i * 86_400_000, actor: 'user:u', action: 'code_issued', targetType: null, targetId: null, clientId: 'old.app',
          userId: 'u', sourceAddress: null, outcome: 'success', reason: null, details: { redirectUri: 'https://old.example.com/cb', pkce },
        });
      }
    } finally {
      await store.close();
    }
    const risky = await cli('app', 'lint', 'risky.app', '--json');
    assert.equal(risky.code, 3);
    assert.deepEqual((JSON.parse(risky.stdout) as { rule: string }[]).map((w) => w.rule), ['http_loopback_redirect', 'long_public_refresh_lifetime', 'community_update_scope']);
    const expiring = await cli('app', 'lint', 'expiring.app');
    assert.equal(expiring.code, 3);
    assert.match(expiring.stdout, /^expiring\.app: secret_expiring: secret soon expires in 5 days .* no other active secret lasts longer/);
    const old = await cli('app', 'lint', 'old.app', '--json');
    assert.equal(old.code, 3);
    const oldWarnings = JSON.parse(old.stdout) as { rule: string; message: string }[];
    assert.deepEqual(oldWarnings.map((w) => w.rule), ['confidential_without_pkce', 'unused_redirect_uri']);
    assert.match(oldWarnings[0]!.message, /^1 of its 3 sign-ins in the last 30 days sent no PKCE code_challenge/);
    assert.match(oldWarnings[1]!.message, /https:\/\/old\.example\.com\/legacy unused in the last 30 days/);
    const clean = await cli('app', 'lint', 'web.app');
    succeeded(clean);
    assert.equal(clean.stdout, 'No warnings (1 app checked).\n');
    const all = await cli('app', 'lint');
    assert.equal(all.code, 3);
    assert.match(all.stdout, /\n6 warnings \(\d+ apps checked\)\.\n$/);
    failedWith(await cli('app', 'lint', 'no.such.app'), 'trustgate: no app with ApplicationUri "no.such.app"');
  });
});
