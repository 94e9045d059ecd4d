import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { runCli } from './run-cli.js';
import { failedWith, json, succeeded } from './assertions.js';

interface TokenJson {
  id: string;
  status: string;
  user: string;
  app: string;
  scope: string;
  description: string | null;
  createdBy: string;
  expiresAt: string;
}

describeEachDatabase('CLI: trustgate token and app --access-tokens', (database) => {
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { env });
  before(async () => {
    env = { DATABASE_URL: database().url };
    succeeded(
      await cli('app', 'create', 'reports.app', '--name', 'Reports', '--type', 'confidential', '--generate-secret', '--redirect-uri', 'https://reports.example.com/cb', '--scope', 'read update'),
    );
    succeeded(await runCli(['user', 'create', 'alice', '--name', 'Alice', '--kind', 'internal', '--password-stdin'], { env, input: 'correct horse battery staple\n' }));
  });

  it('an app allows no reference tokens by default; --access-tokens users|admins on update (and create) changes that', async () => {
    failedWith(
      await cli('token', 'create', '--user', 'alice', '--app', 'reports.app', '--scope', 'read', '--expires-in', '90d'),
      'trustgate: the app "reports.app" does not allow reference tokens (its access tokens setting is none)',
    );
    const updated = json<{ app: { accessTokens: string } }>(await cli('app', 'update', 'reports.app', '--access-tokens', 'admins', '--json'));
    assert.equal(updated.app.accessTokens, 'admins');
    const shown = await cli('app', 'show', 'reports.app');
    assert.match(shown.stdout, /\nReference tokens: +administrators only\n/);
    const created = json<{ app: { accessTokens: string } }>(
      await cli('app', 'create', 'self.app', '--name', 'Self', '--type', 'public', '--redirect-uri', 'https://self.example.com/cb', '--access-tokens', 'users', '--json'),
    );
    assert.equal(created.app.accessTokens, 'users');
    const bad = await cli('app', 'update', 'reports.app', '--access-tokens', 'everyone');
    assert.equal(bad.code, 2);
  });

  it('token create prints the token once and stores its hash; list filters by user and app; revoke ends it', async () => {
    const created = json<{ token: TokenJson; value: string }>(
      await cli('token', 'create', '--user', 'alice', '--app', 'reports.app', '--scope', 'read', '--expires-in', '90d', '--description', 'nightly export', '--json'),
    );
    assert.match(created.value, /^tgr_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual({ ...created.token, id: '', expiresAt: '' }, {
      ...created.token, id: '', status: 'active', user: 'alice', app: 'reports.app', scope: 'read', description: 'nightly export', createdBy: 'admin', expiresAt: '',
    });
    assert.ok(Math.abs(Date.parse(created.token.expiresAt) - Date.now() - 90 * 86_400_000) < 60_000);
    const store = await openStore(env.DATABASE_URL!);
    try {
      assert.equal((await store.referenceTokens.get(created.token.id))?.tokenHash, sha256(created.value));
    } finally {
      await store.close();
    }
    const text = await cli('token', 'create', '--user', 'alice', '--app', 'reports.app', '--scope', 'read update', '--expires-in', '7d');
    succeeded(text);
    assert.match(text.stdout, /^Created reference token \S+ for alice at reports\.app \(expires .+\)\.\nToken \(shown only this once; store it now, it cannot be shown again\):\ntgr_\S+\n$/);

    assert.equal(json<TokenJson[]>(await cli('token', 'list', '--user', 'alice', '--json')).length, 2);
    assert.equal(json<TokenJson[]>(await cli('token', 'list', '--app', 'self.app', '--json')).length, 0);
    const table = await cli('token', 'list', '--app', 'reports.app');
    succeeded(table);
    assert.match(table.stdout, /^ID +STATUS +USER +APP +SCOPE +EXPIRES +DESCRIPTION\n/);
    assert.ok(!table.stdout.includes(created.value), 'values are never listed');

    succeeded(await cli('token', 'revoke', created.token.id));
    const listed = json<TokenJson[]>(await cli('token', 'list', '--user', 'alice', '--json'));
    assert.equal(listed.find((t) => t.id === created.token.id)?.status, 'revoked');
    failedWith(await cli('token', 'revoke', created.token.id), `trustgate: reference token "${created.token.id}" is already revoked`);
    failedWith(await cli('token', 'revoke', 'nope'), 'trustgate: no reference token with id "nope"');
  });

  it('refusals: an unknown user or app, a scope the app does not allow, a protocol scope, too long', async () => {
    const create = (...extra: string[]) => cli('token', 'create', '--expires-in', '30d', ...extra);
    failedWith(await create('--user', 'nobody', '--app', 'reports.app', '--scope', 'read'), 'trustgate: no user with login or id "nobody"');
    failedWith(await create('--user', 'alice', '--app', 'nope.app', '--scope', 'read'), 'trustgate: no app with ApplicationUri "nope.app"');
    failedWith(
      await create('--user', 'alice', '--app', 'reports.app', '--scope', 'billing'),
      'trustgate: the app "reports.app" may not be granted the scope "billing" (its scopes: read update)',
    );
    failedWith(
      await create('--user', 'alice', '--app', 'reports.app', '--scope', 'openid'),
      'trustgate: a reference token is for APIs: the scope "openid" cannot be given to one',
    );
    failedWith(
      await cli('token', 'create', '--user', 'alice', '--app', 'reports.app', '--scope', 'read', '--expires-in', '400d'),
      'trustgate: a token lives between one minute and 366 days',
    );
  });
});
