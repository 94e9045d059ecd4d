import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { runCli } from './run-cli.js';
import { failedWith, json, succeeded } from './assertions.js';

interface EventJson {
  id: string;
  at: string;
  actor: string;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  clientId: string | null;
  userId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** `trustgate audit`: the changes the CLI made are on the trail under cli:<$USER>, filtered by app, user and time. */
describeEachDatabase('CLI: trustgate audit', (database) => {
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { env });
  let secret = '';
  before(async () => {
    env = { DATABASE_URL: database().url, USER: 'alice' };
    const created = json<{ generatedSecret: string }>(
      await cli('app', 'create', 'audit.app', '--name', 'Audit App', '--type', 'confidential', '--generate-secret', '--redirect-uri', 'https://audit.example.com/cb', '--json'),
    );
    secret = created.generatedSecret;
    succeeded(await cli('app', 'update', 'audit.app', '--name', 'Audit App 2'));
    succeeded(await cli('app', 'create', 'other.app', '--name', 'Other', '--type', 'public', '--redirect-uri', 'https://other.example.com/cb'));
    succeeded(await runCli(['user', 'create', 'carol', '--name', 'Carol', '--kind', 'internal', '--password-stdin'], { env: { ...env, USER: '' }, input: 'correct horse battery staple\n' }));
    succeeded(await cli('user', 'disable', 'carol'));
  });

  it('--json prints every change newest first with its actor; never a secret or password', async () => {
    const result = await cli('audit', '--json');
    const events = json<EventJson[]>(result);
    assert.deepEqual(
      events.map((event) => event.action),
      ['user_disabled', 'user_created', 'app_created', 'app_updated', 'app_created'],
    );
    assert.deepEqual(events.map((event) => event.actor), ['cli:alice', 'cli:cli', 'cli:alice', 'cli:alice', 'cli:alice']);
    assert.ok(events.every((event) => /^\d{4}-\d{2}-\d{2}T/.test(event.at)));
    assert.deepEqual(events[3]!.details.changes, { displayName: { from: 'Audit App', to: 'Audit App 2' } });
    assert.ok(!result.stdout.includes(secret));
    assert.ok(!result.stdout.includes('correct horse battery staple'));
  });

  it('filters by --app and --user (login); the human table names actor, action and target', async () => {
    const app = json<EventJson[]>(await cli('audit', '--app', 'audit.app', '--json'));
    assert.deepEqual(app.map((event) => event.action), ['app_updated', 'app_created']);
    const user = json<EventJson[]>(await cli('audit', '--user', 'carol', '--json'));
    assert.deepEqual(user.map((event) => event.action), ['user_disabled', 'user_created']);
    const table = await cli('audit', '--app', 'audit.app');
    succeeded(table);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^TIME\s+ACTOR\s+ACTION\s+OUTCOME\s+APP\s+TARGET\s+REASON$/);
    assert.match(lines[1]!, /cli:alice\s+app_updated\s+success\s+audit\.app\s+app audit\.app/);
    assert.equal(lines.length, 3);
  });

  it('--since takes an ISO time or a time back from now', async () => {
    assert.equal(json<EventJson[]>(await cli('audit', '--since', '24h', '--json')).length, 5);
    assert.equal(json<EventJson[]>(await cli('audit', '--since', '2999-01-01T00:00:00Z', '--json')).length, 0);
    // an event from 10 days ago is outside 7d, inside 30d
    const store = await openStore(env.DATABASE_URL!);
    try {
      await store.auditEvents.append({
        id: '0000000000old', at: Date.now() - 10 * 86_400_000, actor: 'system', action: 'old_probe', targetType: null, targetId: null,
        clientId: null, userId: null, sourceAddress: null, outcome: 'success', reason: null, details: {},
      });
    } finally {
      await store.close();
    }
    assert.ok(!json<EventJson[]>(await cli('audit', '--since', '7d', '--json')).some((event) => event.action === 'old_probe'));
    assert.ok(json<EventJson[]>(await cli('audit', '--since', '30d', '--json')).some((event) => event.action === 'old_probe'));
  });

  it('refuses a bad time, limit or outcome with one line', async () => {
    failedWith(await cli('audit', '--since', 'yesterday'), /expected an ISO 8601 time .* or a time back from now such as 24h or 7d, got "yesterday"/, 2);
    failedWith(await cli('audit', '--limit', '0'), /expected a whole number from 1 to 1000, got "0"/, 2);
    failedWith(await cli('audit', '--outcome', 'maybe'), 'trustgate: outcome must be one of success, failure, refused');
  });
});
