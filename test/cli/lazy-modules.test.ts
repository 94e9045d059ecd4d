import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, parseForms, pkcePair, getAuthorizationCode } from '../support/browser.js';
import { signInToAccount } from '../flows/account-support.js';
import type { SignInServer } from '../flows/authorize-support.js';
import { runCli } from './run-cli.js';
import { succeeded } from './assertions.js';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

const RECORDER = fileURLToPath(new URL('../support/module-recorder.mjs', import.meta.url));
const PASSWORD = 'correct horse battery staple';
const TOOL = { clientId: 'ops.tool', redirectUri: 'http://127.0.0.1:53999/cb' };

/**
 * Libraries that a request rarely needs are loaded on first use, so an idle server does not keep them
 * resident (issue 15: idle RSS). The built server runs with a preloaded recorder of every module it
 * loads; no figures, only which modules are there before and after the feature is used.
 */
const LAZY = {
  webAuthn: '/node_modules/@simplewebauthn/server/',
  otpauth: '/node_modules/otpauth/',
  qrcode: '/node_modules/qrcode/',
  zxcvbn: '/node_modules/@zxcvbn-ts/core/',
  ajvCompiler: '/node_modules/@fastify/ajv-compiler/',
  serializerCompiler: '/node_modules/@fastify/fast-json-stringify-compiler/',
};

describeEachDatabase('heavy libraries load on first use, not at start-up', (database) => {
  let server: SpawnedServer;
  let dir: string;
  let record: string;
  const loaded = (prefix: string) => fs.readFileSync(record, 'utf8').split('\n').some((line) => line.includes(prefix));
  const cli = (args: string[], input?: string) => runCli(args, { env: { DATABASE_URL: database().url }, input });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-modules-'));
    record = path.join(dir, 'modules.txt');
    succeeded(await cli(['user', 'create', 'root', '--name', 'Root', '--kind', 'internal', '--admin', '--password-stdin'], `${PASSWORD}\n`));
    succeeded(
      await cli(['app', 'create', TOOL.clientId, '--name', 'Ops tool', '--type', 'public', '--redirect-uri', TOOL.redirectUri, '--no-consent', '--admin-api']),
    );
    server = await spawnServer({ databaseUrl: database().url, env: { NODE_OPTIONS: `--import ${RECORDER}`, MODULE_RECORD_FILE: record } });
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an idle server has loaded none of them (the recorder sees the rest: fastify is there)', () => {
    assert.ok(loaded('/node_modules/fastify/'), 'the recorder records the modules the server loads');
    for (const [name, prefix] of Object.entries(LAZY)) assert.ok(!loaded(prefix), `${name} is loaded at start-up`);
  });

  it('a sign-in loads none of them either', async () => {
    const browser = new TestBrowser();
    await signInToAccount({ issuer: server.issuer, origin: server.origin } as SignInServer, browser, 'root', PASSWORD);
    for (const [name, prefix] of Object.entries(LAZY)) assert.ok(!loaded(prefix), `${name} is loaded after a sign-in`);
  });

  it('the admin API compiles its schemas on its first calls: Ajv for a request body, fast-json-stringify for a response', async () => {
    const pkce = pkcePair();
    const { code } = await getAuthorizationCode(
      new TestBrowser(),
      server.issuer,
      {
        client_id: TOOL.clientId,
        redirect_uri: TOOL.redirectUri,
        response_type: 'code',
        scope: 'openid trustgate:admin',
        state: 'st',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      },
      { login: 'root', password: PASSWORD },
    );
    const tokens = await fetch(`${server.issuer}/connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: TOOL.redirectUri, client_id: TOOL.clientId, code_verifier: pkce.verifier }),
    });
    const { access_token: token } = (await tokens.json()) as { access_token: string };
    const api = `${server.issuer}/admin/api/v1`;
    const authorization = `Bearer ${token}`;

    const list = await fetch(`${api}/apps`, { headers: { authorization } });
    assert.equal(list.status, 200);
    assert.ok(((await list.json()) as { apps: unknown[] }).apps.length > 0);
    assert.ok(loaded(LAZY.serializerCompiler), 'fast-json-stringify compiled the response schema');

    const refused = await fetch(`${api}/apps`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ nonsense: true }) });
    assert.equal(refused.status, 400, await refused.clone().text());
    assert.ok(loaded(LAZY.ajvCompiler), 'Ajv validated the request body');
  });

  it('setting up an authenticator app loads otpauth and qrcode; a password change loads zxcvbn', async () => {
    const browser = new TestBrowser();
    const html = await signInToAccount({ issuer: server.issuer, origin: server.origin } as SignInServer, browser, 'root', PASSWORD);
    const totp = parseForms(html).find((f) => f.action.endsWith('/account/totp'));
    assert.ok(totp, 'the account page offers an authenticator app');
    const enrolment = await browser.postForm(new URL(totp.action, server.origin), totp.fields);
    assert.equal(enrolment.status, 200);
    assert.match(await enrolment.text(), /data:image\/svg\+xml;base64,/);
    assert.ok(loaded(LAZY.otpauth) && loaded(LAZY.qrcode), 'otpauth and qrcode are loaded');

    const change = parseForms(html).find((f) => f.action.endsWith('/account/password'));
    assert.ok(change, 'the account page has the change-password form');
    await browser.postForm(new URL(change.action, server.origin), {
      ...change.fields,
      current_password: PASSWORD,
      new_password: 'violet harbor lantern orbit',
      confirm_password: 'violet harbor lantern orbit',
    });
    assert.ok(loaded(LAZY.zxcvbn), 'zxcvbn checked the new password');
    assert.ok(!loaded(LAZY.webAuthn), 'no passkey ceremony happened: @simplewebauthn/server is still not loaded');
  });
});
