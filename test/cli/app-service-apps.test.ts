import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { runCli } from './run-cli.js';
import { failedWith, json, succeeded } from './assertions.js';

interface ServiceAppJson {
  clientId: string;
  clientType: string;
  loginRedirectUris: string[];
  systemUserId: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  jwksUri: string | null;
}

/** trustgate app create/update: --system-user / --no-system-user, --jwks-file / --jwks-uri / --no-jwks. */
describeEachDatabase('CLI: service apps and client keys', (database) => {
  let env: Record<string, string>;
  let jwksFile: string;
  let robotId: string;
  const cli = (...args: string[]) => runCli(args, { env });
  before(async () => {
    env = { DATABASE_URL: database().url };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-jwks-'));
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    jwksFile = path.join(dir, 'keys.json');
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'sync-1' }] }));
    fs.writeFileSync(path.join(dir, 'not-json.json'), 'nope');
    const robot = json<{ user: { id: string } }>(
      await cli('user', 'create', 'erp-sync', '--name', 'ERP sync', '--kind', 'internal', '--password', 'a long enough robot password 42', '--json'),
    );
    robotId = robot.user.id;
  });

  it('app create --system-user makes a service app (no redirect URI needed); show prints the user; --no-system-user removes it', async () => {
    const created = json<{ app: ServiceAppJson }>(
      await cli('app', 'create', 'com.vendor/nightly-sync', '--name', 'Nightly sync', '--type', 'confidential', '--system-user', 'erp-sync',
        '--generate-secret', '--scope', 'read update', '--json'),
    );
    assert.equal(created.app.systemUserId, robotId);
    assert.deepEqual(created.app.loginRedirectUris, []);
    const shown = await cli('app', 'show', 'com.vendor/nightly-sync');
    succeeded(shown);
    assert.match(shown.stdout, new RegExp(`System user:\\s+erp-sync \\(${robotId}\\)`));
    assert.match(shown.stdout, /Client keys:\s+\(none: no private_key_jwt\)/);

    failedWith(
      await cli('app', 'update', 'com.vendor/nightly-sync', '--system-user', 'nobody'),
      'trustgate: no user with login "nobody" to act as the app\'s system user',
    );
    failedWith(
      await cli('app', 'update', 'com.vendor/nightly-sync', '--no-system-user'),
      'trustgate: at least one login redirect URI is required (--redirect-uri)',
    );
    const cleared = json<{ app: ServiceAppJson }>(
      await cli('app', 'update', 'com.vendor/nightly-sync', '--no-system-user', '--redirect-uri', 'https://sync.example.com/cb', '--json'),
    );
    assert.equal(cleared.app.systemUserId, null);
  });

  it('a public app cannot have a system user or client keys', async () => {
    failedWith(
      await cli('app', 'create', 'com.vendor/spa', '--name', 'SPA', '--type', 'public', '--redirect-uri', 'https://spa.example.com/cb', '--system-user', 'erp-sync'),
      'trustgate: a public app cannot have a system user (--system-user): service access (client_credentials) needs an app that authenticates; use --type confidential',
    );
    failedWith(
      await cli('app', 'create', 'com.vendor/spa', '--name', 'SPA', '--type', 'public', '--redirect-uri', 'https://spa.example.com/cb', '--jwks-file', jwksFile),
      'trustgate: a public app cannot have client keys (--jwks-file, --jwks-uri): private_key_jwt is client authentication, which public apps do not do; use --type confidential',
    );
  });

  it('--jwks-file registers keys (no secret needed), --jwks-uri replaces them, --no-jwks removes them', async () => {
    const created = json<{ app: ServiceAppJson; generatedSecret?: string }>(
      await cli('app', 'create', 'com.vendor/keyed', '--name', 'Keyed', '--type', 'confidential', '--system-user', 'erp-sync', '--jwks-file', jwksFile, '--json'),
    );
    assert.equal(created.generatedSecret, undefined);
    assert.equal(created.app.jwks?.keys[0]?.kid, 'sync-1');
    const shown = await cli('app', 'show', 'com.vendor/keyed');
    assert.match(shown.stdout, /Client keys:\s+1 registered \(sync-1\)/);

    const byUri = json<{ app: ServiceAppJson }>(await cli('app', 'update', 'com.vendor/keyed', '--jwks-uri', 'https://keyed.example.com/jwks.json', '--json'));
    assert.equal(byUri.app.jwks, null);
    assert.equal(byUri.app.jwksUri, 'https://keyed.example.com/jwks.json');

    failedWith(
      await cli('app', 'update', 'com.vendor/keyed', '--jwks-uri', 'http://keyed.example.com/jwks.json'),
      'trustgate: the JWKS URI "http://keyed.example.com/jwks.json" is refused: it must be an https URL (http only on a loopback host such as 127.0.0.1)',
    );
    failedWith(
      await cli('app', 'update', 'com.vendor/keyed', '--jwks-file', jwksFile, '--jwks-uri', 'https://keyed.example.com/jwks.json'),
      'trustgate: give either --jwks-file or --jwks-uri, not both',
    );
    failedWith(
      await cli('app', 'update', 'com.vendor/keyed', '--jwks-file', path.join(path.dirname(jwksFile), 'not-json.json')),
      /^trustgate: --jwks-file .*not-json\.json is not JSON \(expected a JWK Set: \{"keys": \[\.\.\.\]\}\)$/,
    );
    const removed = json<{ app: ServiceAppJson }>(await cli('app', 'update', 'com.vendor/keyed', '--no-jwks', '--json'));
    assert.equal(removed.app.jwks, null);
    assert.equal(removed.app.jwksUri, null);
  });
});
