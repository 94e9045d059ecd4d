import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { runCli } from './run-cli.js';
import { failedWith, json, succeeded } from './assertions.js';

interface ApiJson {
  audience: string;
  displayName: string;
  scopes: string[];
}
interface SecretJson {
  id: string;
  status: string;
}

describeEachDatabase('CLI: trustgate api', (database) => {
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { env });
  const cliWithInput = (input: string, ...args: string[]) => runCli(args, { env, input });
  before(() => {
    env = { DATABASE_URL: database().url };
  });

  it('api create registers an API with its scopes, shows a generated secret once and stores only its hash', async () => {
    const created = json<{ api: ApiJson; generatedSecret: string }>(
      await cli('api', 'create', 'https://erp.example.com/api', '--name', 'ERP API', '--scope', 'erp.write erp.read', '--generate-secret', '--json'),
    );
    assert.match(created.generatedSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual({ ...created.api, createdAt: undefined, updatedAt: undefined }, {
      audience: 'https://erp.example.com/api',
      displayName: 'ERP API',
      scopes: ['erp.read', 'erp.write'],
      createdAt: undefined,
      updatedAt: undefined,
    });
    const store = await openStore(env.DATABASE_URL!);
    try {
      const secrets = await store.apis.listSecrets('https://erp.example.com/api');
      assert.deepEqual(secrets.map((s) => s.secretHash), [sha256(created.generatedSecret)]);
    } finally {
      await store.close();
    }
    const shown = await cli('api', 'show', 'https://erp.example.com/api');
    succeeded(shown);
    assert.match(shown.stdout, /^Audience: +https:\/\/erp\.example\.com\/api\nName: +ERP API\nScopes: +erp\.read erp\.write\n/);
    assert.ok(!shown.stdout.includes(created.generatedSecret));
    const trail = json<Array<{ action: string; actor: string; target: unknown }>>(await cli('audit', '--action', 'api_created', '--json'));
    assert.equal(trail.length, 1);
    assert.match(trail[0]!.actor, /^cli:/);
    assert.ok(!JSON.stringify(trail).includes(created.generatedSecret));
  });

  it('api create --secret-stdin reads the secret; too short is refused', async () => {
    const secret = 'a-long-enough-secret-for-the-billing-api-0123';
    json(await cliWithInput(`${secret}\n`, 'api', 'create', 'billing-api', '--name', 'Billing', '--scope', 'billing.read', '--secret-stdin', '--json'));
    const store = await openStore(env.DATABASE_URL!);
    try {
      assert.deepEqual((await store.apis.listSecrets('billing-api')).map((s) => s.secretHash), [sha256(secret)]);
    } finally {
      await store.close();
    }
    const short = await cliWithInput('short\n', 'api', 'create', 'short-api', '--name', 'Short', '--scope', 'short.read', '--secret-stdin');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /at least 32 characters/);
  });

  it('refusals: no secret choice, a scope another API owns, an OpenID Connect scope, an unknown API', async () => {
    failedWith(await cli('api', 'create', 'x-api', '--name', 'X', '--scope', 'x.read'), 'trustgate: give exactly one of --generate-secret and --secret-stdin');
    failedWith(
      await cli('api', 'create', 'x-api', '--name', 'X', '--scope', 'x.read erp.read', '--generate-secret'),
      'trustgate: the scope "erp.read" already belongs to the API "https://erp.example.com/api"; a scope belongs to one API',
    );
    failedWith(
      await cli('api', 'create', 'x-api', '--name', 'X', '--scope', 'openid x.read', '--generate-secret'),
      'trustgate: the scope "openid" is an OpenID Connect scope of the server itself and cannot belong to an API',
    );
    failedWith(await cli('api', 'create', 'x-api', '--name', 'X', '--scope', '', '--generate-secret'), 'trustgate: an API needs at least one scope: give --scope, e.g. --scope "erp.read"');
    failedWith(await cli('api', 'show', 'nope'), 'trustgate: no registered API with audience "nope"');
    failedWith(
      await cli('api', 'update', 'billing-api', '--scope', 'erp.write'),
      'trustgate: the scope "erp.write" already belongs to the API "https://erp.example.com/api"; a scope belongs to one API',
    );
  });

  it('api update, list; api secret add, list, revoke (the last one needs --force); api delete', async () => {
    const updated = json<{ api: ApiJson }>(await cli('api', 'update', 'billing-api', '--name', 'Billing API', '--scope', 'billing.read billing.write', '--json'));
    assert.deepEqual(updated.api.scopes, ['billing.read', 'billing.write']);
    assert.deepEqual(json<ApiJson[]>(await cli('api', 'list', '--json')).map((a) => a.audience), ['billing-api', 'https://erp.example.com/api']);
    const table = await cli('api', 'list');
    succeeded(table);
    assert.match(table.stdout, /^AUDIENCE +NAME +SCOPES\nbilling-api +Billing API +billing\.read billing\.write\n/);

    const added = json<{ secret: SecretJson; generatedSecret: string }>(await cli('api', 'secret', 'add', 'billing-api', '--description', 'rotation', '--json'));
    const secrets = json<SecretJson[]>(await cli('api', 'secret', 'list', 'billing-api', '--json'));
    assert.deepEqual(secrets.map((s) => s.status), ['active', 'active']);
    succeeded(await cli('api', 'secret', 'revoke', 'billing-api', secrets[0]!.id));
    failedWith(
      await cli('api', 'secret', 'revoke', 'billing-api', added.secret.id),
      `trustgate: secret "${added.secret.id}" is the API's last active secret: revoking it locks "billing-api" out of introspection and the revocation feed; add a new secret first, or repeat with --force`,
    );
    succeeded(await cli('api', 'secret', 'revoke', 'billing-api', added.secret.id, '--force'));
    succeeded(await cli('api', 'delete', 'billing-api'));
    failedWith(await cli('api', 'secret', 'list', 'billing-api'), 'trustgate: no registered API with audience "billing-api"');
  });

  it('an API and an app cannot share an identifier', async () => {
    failedWith(
      await cli('app', 'create', 'https://erp.example.com/api', '--name', 'Clash', '--type', 'confidential', '--generate-secret', '--redirect-uri', 'https://app.example.com/cb'),
      'trustgate: "https://erp.example.com/api" is the audience of a registered API; an app\'s ApplicationUri must differ',
    );
    succeeded(await cli('app', 'create', 'my.app', '--name', 'App', '--type', 'confidential', '--generate-secret', '--redirect-uri', 'https://app.example.com/cb'));
    failedWith(
      await cli('api', 'create', 'my.app', '--name', 'Clash', '--scope', 'clash.read', '--generate-secret'),
      'trustgate: "my.app" is the ApplicationUri of an app; an API\'s audience must differ from every app\'s, since both authenticate with it',
    );
  });
});
