import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { verifyPassword } from '../../src/domain/password.js';
import { loadConfig } from '../../src/config/config.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runCli } from './run-cli.js';
import { failedWith, json, succeeded } from './assertions.js';

interface UserJson {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  emailVerified: boolean;
  locale: string | null;
  kind: string;
  isAdmin: boolean;
  enabled: boolean;
}
interface KeyJson {
  kid: string;
  alg: string;
  state: 'next' | 'current' | 'retired' | 'expired';
  current: boolean;
  published: boolean;
  encrypted: boolean;
  publishFrom: string;
  signFrom: string;
  retiredAt: string | null;
  publishUntil: string | null;
}
interface StagedJson {
  alg: string;
  kid: string;
  publishFrom: string;
  signFrom: string;
  replaced: string[];
  replacedPublishedUntil: string | null;
}

describeEachDatabase('CLI: trustgate user, keys, migrate', (database) => {
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { env });
  before(() => {
    env = { DATABASE_URL: database().url };
  });

  async function passwordHash(login: string): Promise<string | undefined> {
    const store = await openStore(env.DATABASE_URL!);
    try {
      return (await store.users.getByLogin(login))?.passwordHash;
    } finally {
      await store.close();
    }
  }

  it('migrate applies the migrations to a fresh database, then has nothing to do', async () => {
    const first = json<{ applied: string[] }>(await cli('migrate', '--json'));
    assert.ok(first.applied.includes('001-initial'));
    const again = await cli('migrate');
    succeeded(again);
    assert.equal(again.stdout, 'The database is up to date.\n');
  });

  it('user create reads the password from stdin, hashes it with argon2id and prints the user', async () => {
    const result = await runCli(
      ['user', 'create', 'jane', '--name', 'Jane Doe', '--email', 'jane@example.com', '--email-verified', '--locale', 'en', '--kind', 'internal', '--password-stdin', '--json'],
      { env, input: 'correct horse battery staple\n' },
    );
    const { user } = json<{ user: UserJson }>(result);
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...user, id: 'x' },
      { ...user, id: 'x', login: 'jane', displayName: 'Jane Doe', email: 'jane@example.com', emailVerified: true, locale: 'en', kind: 'internal', isAdmin: false, enabled: true },
    );
    assert.ok(!result.stdout.includes('passwordHash') && !result.stdout.includes('argon2'));
    const hash = await passwordHash('jane');
    assert.match(hash ?? '', /^\$argon2id\$/);
    assert.equal(await verifyPassword(hash, 'correct horse battery staple', loadConfig({}).argon2), true);
  });

  it('user create with --password, --admin and the community kind; readable output by default', async () => {
    const result = await cli('user', 'create', 'partner.admin', '--name', 'Pat', '--kind', 'community', '--admin', '--password', 'another long password');
    succeeded(result);
    assert.match(result.stdout, /^Created user partner\.admin \(community\)\.\n/);
    assert.match(result.stdout, /Administrator: yes\n/);
  });

  it('user update changes the profile and the administrator flag (--admin / --no-admin); nothing to change is a usage error', async () => {
    const demoted = await cli('user', 'update', 'partner.admin', '--no-admin', '--name', 'Pat Partner', '--json');
    succeeded(demoted);
    const user = JSON.parse(demoted.stdout).user as { isAdmin: boolean; displayName: string };
    assert.equal(user.isAdmin, false);
    assert.equal(user.displayName, 'Pat Partner');
    const promoted = await cli('user', 'update', 'partner.admin', '--admin');
    succeeded(promoted);
    assert.match(promoted.stdout, /^Updated user partner\.admin\.\n/);
    assert.match(promoted.stdout, /Administrator: yes\n/);
    failedWith(await cli('user', 'update', 'partner.admin'), 'trustgate: nothing to change: give --name, --email, --locale, --kind, --admin or --no-admin');
    failedWith(await cli('user', 'update', 'nobody', '--admin'), 'trustgate: no user with login or id "nobody"');
  });

  it('user create refuses duplicates, bad passwords and missing passwords with one line', async () => {
    failedWith(await cli('user', 'create', 'JANE', '--name', 'x', '--kind', 'internal', '--password', 'long enough pw'), 'trustgate: a user with login "JANE" already exists');
    failedWith(await cli('user', 'create', 'bob', '--name', 'Bob', '--kind', 'internal', '--password', 'short'), 'trustgate: password refused: the password must be at least 10 characters long');
    failedWith(await cli('user', 'create', 'robert.smith', '--name', 'Bob', '--kind', 'internal', '--password', 'robert.smith'), 'trustgate: password refused: the password must not be the login itself');
    failedWith(await cli('user', 'create', 'bob', '--name', 'Bob', '--kind', 'internal'), 'trustgate: a password is required: give --password-stdin (recommended) or --password <p>');
    failedWith(await runCli(['user', 'create', 'bob', '--name', 'Bob', '--kind', 'internal', '--password-stdin'], { env, input: '' }), 'trustgate: no password on standard input');
    failedWith(await cli('user', 'create', 'bob', '--name', 'Bob', '--kind', 'robot', '--password', 'long enough pw'), "error: option '--kind <kind>' argument 'robot' is invalid. Allowed choices are internal, community.", 2);
    failedWith(await cli('user', 'create', 'bob', '--kind', 'internal', '--password', 'long enough pw'), "error: required option '--name <text>' not specified", 2);
    failedWith(await cli('user', 'create', 'bob', '--name', 'Bob', '--kind', 'internal', '--email', 'nope', '--password', 'long enough pw'), 'trustgate: the email address "nope" is not valid');
    const weak = 'trustgate: password refused: the password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.';
    failedWith(await runCli(['user', 'create', 'bob', '--name', 'Bob', '--kind', 'internal', '--password-stdin'], { env, input: 'password1234\n' }), weak);
    failedWith(await cli('user', 'create', 'bobby', '--name', 'Bobby Tables', '--kind', 'internal', '--password', 'little tables river'), 'trustgate: password refused: the password must not contain the name or a part of it');
    assert.equal(await passwordHash('bob'), undefined);
  });

  it('user list and show', async () => {
    const table = await cli('user', 'list');
    succeeded(table);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^LOGIN +NAME +KIND +ADMIN +ENABLED +EMAIL +ID$/);
    assert.match(lines[1]!, /^jane +Jane Doe +internal +no +yes +jane@example\.com +[0-9a-f-]{36}$/);
    assert.equal(json<UserJson[]>(await cli('user', 'list', '--json')).length, 2);
    const { user } = json<{ user: UserJson }>(await cli('user', 'show', 'JANE', '--json'));
    assert.equal(user.login, 'jane');
    const byId = json<{ user: UserJson }>(await cli('user', 'show', user.id, '--json'));
    assert.equal(byId.user.login, 'jane');
    const shown = await cli('user', 'show', 'jane');
    succeeded(shown);
    assert.match(shown.stdout, /^Login: +jane\nId \(sub\): +[0-9a-f-]{36}\n/);
    failedWith(await cli('user', 'show', 'nobody'), 'trustgate: no user with login or id "nobody"');
  });

  it('user set-password replaces the password (stdin or --password) and enforces the rules', async () => {
    const before = await passwordHash('jane');
    const changed = await runCli(['user', 'set-password', 'jane', '--password-stdin'], { env, input: 'a completely new password\r\n' });
    succeeded(changed);
    assert.equal(changed.stdout, 'Password of jane changed; their sessions ended and refresh tokens were revoked.\n');
    const after = await passwordHash('jane');
    assert.notEqual(after, before);
    assert.equal(await verifyPassword(after, 'a completely new password', loadConfig({}).argon2), true);
    failedWith(await cli('user', 'set-password', 'jane', '--password', 'jane'), 'trustgate: password refused: the password must be at least 10 characters long');
    failedWith(
      await runCli(['user', 'set-password', 'jane', '--password-stdin'], { env, input: 'qwertyuiop123\n' }),
      'trustgate: password refused: the password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.',
    );
    failedWith(await cli('user', 'set-password', 'jane', '--password', 'jane@example.com river'), 'trustgate: password refused: the password must not contain the login');
    assert.equal(await passwordHash('jane'), after, 'a refused password changes nothing');
    failedWith(await cli('user', 'set-password', 'nobody', '--password', 'long enough pw'), 'trustgate: no user with login or id "nobody"');
  });

  it('user reset-link prints a one-time link under ISSUER_URL (--json: url and expiresAt); a newer link replaces it', async () => {
    const linkEnv = { ...env, ISSUER_URL: 'https://erp.example.com/id', PASSWORD_RESET_LIFETIME: '600' };
    const started = Date.now();
    const first = json<{ url: string; expiresAt: string }>(await runCli(['user', 'reset-link', 'jane', '--json'], { env: linkEnv }));
    assert.deepEqual(Object.keys(first).sort(), ['expiresAt', 'url']);
    assert.match(first.url, /^https:\/\/erp\.example\.com\/id\/account\/reset\/[A-Za-z0-9_-]{43}$/);
    const expiresAt = Date.parse(first.expiresAt);
    assert.ok(expiresAt >= started + 600_000 && expiresAt <= Date.now() + 600_000, `expires at ${first.expiresAt}`);
    const text = await runCli(['user', 'reset-link', 'JANE'], { env: linkEnv });
    succeeded(text);
    const lines = text.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Password-reset link for jane: it works once, until \d{4}-\d\d-\d\dT[\d:.]+Z; a newer link replaces it\.$/);
    assert.equal(lines[1], 'Hand it over privately; whoever opens it can set the password:');
    assert.match(lines[2]!, /^https:\/\/erp\.example\.com\/id\/account\/reset\/[A-Za-z0-9_-]{43}$/);
    const store = await openStore(env.DATABASE_URL!);
    try {
      const hashOf = (url: string) => sha256(url.split('/').at(-1)!);
      assert.equal(await store.passwordResets.findUsable(hashOf(first.url), Date.now()), undefined, 'the newer link replaced the first');
      assert.ok(await store.passwordResets.findUsable(hashOf(lines[2]!), Date.now()));
    } finally {
      await store.close();
    }
    failedWith(await runCli(['user', 'reset-link', 'nobody'], { env: linkEnv }), 'trustgate: no user with login or id "nobody"');
  });

  it('user disable and enable', async () => {
    const disabled = await cli('user', 'disable', 'jane');
    succeeded(disabled);
    assert.equal(disabled.stdout, 'User jane is disabled.\n');
    assert.equal(json<{ user: UserJson }>(await cli('user', 'show', 'jane', '--json')).user.enabled, false);
    assert.equal(json<{ user: UserJson }>(await cli('user', 'enable', 'jane', '--json')).user.enabled, true);
    failedWith(await cli('user', 'enable', 'nobody'), 'trustgate: no user with login or id "nobody"');
  });

  it('user require-mfa, mfa show and mfa reset', async () => {
    const required = await cli('user', 'require-mfa', 'jane');
    succeeded(required);
    assert.equal(required.stdout, 'jane must use a second factor at every sign-in.\n');
    assert.deepEqual(json<{ login: string; required: boolean; totp: boolean; recoveryCodesLeft: number }>(await cli('user', 'mfa', 'show', 'jane', '--json')), {
      login: 'jane', required: true, totp: false, recoveryCodesLeft: 0, passkeys: [],
    });
    const store = await openStore(env.DATABASE_URL!);
    try {
      const jane = (await store.users.getByLogin('jane'))!;
      await store.secondFactors.replaceRecoveryCodes(jane.id, ['a', 'b'], Date.now());
      await store.passkeys.add({
        id: 'cred-jane', userId: jane.id, publicKey: 'pk', counter: 0, transports: ['usb'], backedUp: false, name: 'YubiKey',
        createdAt: Date.UTC(2026, 0, 2), lastUsedAt: null,
      });
      await store.sessions.insert({
        idHash: 'mfa-reset-session', sid: 'sid-mfa', userId: jane.id, authTime: 1, amr: ['pwd'], createdAt: Date.now(),
        lastSeenAt: Date.now(), expiresAt: Date.now() + 3_600_000, endedAt: null,
      });
    } finally {
      await store.close();
    }
    assert.match((await cli('user', 'mfa', 'show', 'jane')).stdout, /Recovery codes left: +2/);
    assert.match((await cli('user', 'mfa', 'show', 'jane')).stdout, /Passkeys: +YubiKey \(hwk\)/);
    assert.deepEqual(json<{ passkeys: unknown[] }>(await cli('user', 'mfa', 'show', 'jane', '--json')).passkeys, [
      { name: 'YubiKey', method: 'hwk', createdAt: '2026-01-02T00:00:00.000Z', lastUsedAt: null },
    ]);
    const reset = await cli('user', 'mfa', 'reset', 'jane');
    succeeded(reset);
    assert.equal(reset.stdout, 'Removed the second factors of jane (3 records); their sessions ended.\n');
    const after = await openStore(env.DATABASE_URL!);
    try {
      assert.notEqual((await after.sessions.get('mfa-reset-session'))!.endedAt, null, 'the session ended');
      assert.deepEqual(await after.passkeys.listForUser((await after.users.getByLogin('jane'))!.id), [], 'the passkeys are gone');
    } finally {
      await after.close();
    }
    assert.equal(json<{ user: UserJson }>(await cli('user', 'require-mfa', 'jane', '--off', '--json')).user.enabled, true);
    assert.equal(json<{ required: boolean }>(await cli('user', 'mfa', 'show', 'jane', '--json')).required, false);
    failedWith(await cli('user', 'mfa', 'reset', 'nobody'), 'trustgate: no user with login or id "nobody"');
  });

  it('user unlock clears the sign-in counters of that account only, and refuses unknown users', async () => {
    const store = await openStore(env.DATABASE_URL!);
    try {
      const policy = loadConfig({}).throttle;
      for (const account of ['jane', 'jane', 'other']) {
        await store.throttles.reserve(
          { account, chain: [{ key: `as:${account}|10.0.0.1`, limit: 5, kind: 'account_source' }, { key: `a:${account}`, limit: 100, kind: 'account' }] },
          Date.now(),
          policy.windowMs,
        );
      }
    } finally {
      await store.close();
    }
    const result = await cli('user', 'unlock', 'JANE');
    succeeded(result);
    assert.equal(result.stdout, 'Cleared 2 sign-in counters of jane.\n');
    assert.deepEqual(json<{ cleared: number }>(await cli('user', 'unlock', 'jane', '--json')).cleared, 0);
    const check = await openStore(env.DATABASE_URL!);
    try {
      assert.deepEqual((await check.throttles.get(['a:other'])).map((c) => c.count), [1], "another account's counters stay");
    } finally {
      await check.close();
    }
    failedWith(await cli('user', 'unlock', 'nobody'), 'trustgate: no user with login or id "nobody"');
  });

  it('keys rotate stages a new key (published now, signing later); --now signs at once; keys list shows the stages', async () => {
    const empty = await cli('keys', 'list');
    succeeded(empty);
    assert.equal(empty.stdout, '(none)\n', 'the server creates the first key; the CLI does not');
    // on a fresh database the first key signs at once: there is nothing to publish it ahead of
    const [first] = json<{ rotated: StagedJson[] }>(await cli('keys', 'rotate', '--json')).rotated;
    assert.equal(first!.alg, 'RS256');
    assert.equal(first!.signFrom, first!.publishFrom);
    assert.deepEqual(first!.replaced, []);

    const staged = await cli('keys', 'rotate');
    succeeded(staged);
    const next = json<KeyJson[]>(await cli('keys', 'list', '--json')).find((k) => k.state === 'next')!;
    assert.ok(next, 'the new key is listed as next');
    assert.equal(
      staged.stdout,
      `New RS256 signing key ${next.kid} is published now and starts signing at ${next.signFrom} (in 15 minutes).\n` +
        `Previous key ${first!.kid} signs until then and stays published in the JWKS until ${new Date(Date.parse(next.signFrom) + (3600 + 600) * 1000).toISOString()}.\n`,
    );
    let keys = json<KeyJson[]>(await cli('keys', 'list', '--json'));
    const old = keys.find((k) => k.kid === first!.kid)!;
    assert.equal(old.state, 'current', 'the previous key signs until the new one takes over');
    assert.equal(old.encrypted, true, 'encrypted at rest by default');
    // published at least the JWKS cache lifetime (max-age 300 s + the resource server's 600 s + 10 s) before it signs
    assert.equal(Date.parse(next.signFrom) - Date.parse(next.publishFrom), 910 * 1000);
    assert.equal(next.published, true);
    assert.equal(old.retiredAt, next.signFrom);
    // kept for the longest access-token lifetime of any app (at least 1 hour) plus a 10-minute margin
    assert.equal(Date.parse(old.publishUntil!) - Date.parse(old.retiredAt!), (3600 + 600) * 1000);
    const table = await cli('keys', 'list');
    succeeded(table);
    assert.match(table.stdout, /^KID +ALG +STATE +ENCRYPTED +PUBLISHED FROM +SIGNS FROM +RETIRED +PUBLISHED UNTIL\n/);
    assert.match(table.stdout, new RegExp(`\\n${next.kid} +RS256 +next +yes `));

    const now = await cli('keys', 'rotate', '--now');
    succeeded(now);
    keys = json<KeyJson[]>(await cli('keys', 'list', '--json'));
    const current = keys.find((k) => k.current)!;
    assert.match(now.stdout, new RegExp(`^New RS256 signing key ${current.kid} signs now \\(servers switch within seconds; it was not published ahead\\)\\.\\n` +
      `Previous keys ${first!.kid}, ${next.kid} stop signing now and stay published in the JWKS until `));
    assert.deepEqual(keys.map((k) => k.state).sort(), ['current', 'retired', 'retired']);
    assert.equal(keys.find((k) => k.kid === next.kid)!.state, 'retired', 'the staged key never signs: the emergency key replaced it');
  });

  it('keys rotate keeps old keys published for the longest access-token lifetime any app has', async () => {
    succeeded(await cli('app', 'create', 'long.lived', '--name', 'Long', '--type', 'public', '--redirect-uri', 'https://l.example.com/cb', '--access-token-lifetime', '7200'));
    const [key] = json<{ rotated: StagedJson[] }>(await cli('keys', 'rotate', '--json')).rotated;
    assert.equal(Date.parse(key!.replacedPublishedUntil!) - Date.parse(key!.signFrom), (7200 + 600) * 1000);
    const keys = json<KeyJson[]>(await cli('keys', 'list', '--json'));
    const retired = keys.filter((k) => k.kid !== key!.kid && k.retiredAt === key!.signFrom);
    assert.ok(retired.length >= 1, JSON.stringify(keys));
    for (const k of retired) assert.equal(k.publishUntil, key!.replacedPublishedUntil);
  });
});

describeEachDatabase('CLI: usage and environment errors', (database) => {
  it('--help exits 0 and lists the commands', async () => {
    const result = await runCli(['--help'], { env: { DATABASE_URL: database().url } });
    assert.equal(result.code, 0);
    for (const command of ['serve', 'migrate', 'app', 'user', 'keys']) assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`));
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version'], { env: { DATABASE_URL: database().url } });
    assert.equal(result.code, 0);
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(result.stdout, `${version}\n`);
  });

  it('unknown commands and options exit 2 with one line', async () => {
    const env = { DATABASE_URL: database().url };
    failedWith(await runCli(['app', 'frobnicate'], { env }), "error: unknown command 'frobnicate'", 2);
    failedWith(await runCli(['app', 'list', '--colour'], { env }), "error: unknown option '--colour'", 2);
  });

  it('a bad DATABASE_URL or ISSUER_URL is one sentence naming the variable', async () => {
    failedWith(
      await runCli(['app', 'list'], { env: { DATABASE_URL: 'mysql://db/x' } }),
      'trustgate: DATABASE_URL must be sqlite:<path> or postgres://user@host:port/database, got "mysql://db/x".',
    );
    failedWith(
      await runCli(['app', 'list'], { env: { DATABASE_URL: database().url, ISSUER_URL: 'http://erp.example.com/id' } }),
      'trustgate: ISSUER_URL "http://erp.example.com/id" uses http on a non-loopback host; use https, or set ALLOW_HTTP_ISSUER=true for development only.',
    );
  });

  it('an unreachable PostgreSQL server is one line that hides the password', async () => {
    failedWith(
      await runCli(['app', 'list'], { env: { DATABASE_URL: 'postgres://admin:s3cret@127.0.0.1:1/none' } }),
      /^trustgate: cannot use the database \(DATABASE_URL\): .*ECONNREFUSED/,
    );
    const result = await runCli(['app', 'list'], { env: { DATABASE_URL: 'postgres://admin:s3cret@127.0.0.1:1/none' } });
    assert.ok(!result.stderr.includes('s3cret'));
  });
});
