import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createTestDatabase, describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openStore } from '../../src/stores/store.js';
import { AppService } from '../../src/admin/app-service.js';
import { UserService } from '../../src/admin/user-service.js';
import { KeyService } from '../../src/admin/key-service.js';
import { createAuditRecorder, SAMPLE_LIMIT, type AuditLog } from '../../src/audit/record.js';
import { redactDetails } from '../../src/audit/redact.js';
import { pruneAuditEvents } from '../../src/audit/pruner.js';
import type { AppContext } from '../../src/context.js';

/** A logger that keeps its lines (the recorder's other output). */
function keepingLog(): AuditLog & { lines: { level: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const keep = (level: string) => (fields: object) => void lines.push({ level, fields: fields as Record<string, unknown> });
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** The audit recorder over the real store: every admin change lands with its actor; it never throws; floods are sampled. */
describeEachDatabase('audit trail: recording', (database) => {
  let server: TestServer;
  let t = Date.parse('2026-03-01T00:00:00Z');
  const ctx = (): AppContext => server.app.ctx;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: () => t });
  });
  after(async () => server?.close());

  it('every admin change is recorded with the actor, target and what changed, never a secret', async () => {
    const deps = { ...ctx(), actor: 'cli:alice' };
    const apps = new AppService(deps);
    const created = await apps.create({
      clientId: 'audited.app',
      displayName: 'Audited',
      clientType: 'confidential',
      generateSecret: true,
      loginRedirectUris: ['https://audited.example.com/cb'],
    });
    await apps.update('audited.app', { displayName: 'Audited 2', scopes: ['read'] });
    const added = await apps.addSecret('audited.app', { generateSecret: true });
    await apps.revokeSecret('audited.app', added.secret.id);
    await apps.disable('audited.app');
    await apps.enable('audited.app');
    const users = new UserService(deps);
    const { user } = await users.create({ login: 'audited-user', displayName: 'Audited User', kind: 'internal', password: 'correct horse battery staple' });
    await users.disable('audited-user');
    await users.setPassword('audited-user', 'another horse battery staple');
    await new KeyService(deps).rotate(ctx().keys, { immediately: false });
    await apps.delete('audited.app');

    const { events } = await ctx().store.auditEvents.query({ actor: 'cli:alice' });
    assert.deepEqual(events.map((event) => event.action).reverse(), [
      'app_created',
      'app_updated',
      'app_secret_added',
      'app_secret_revoked',
      'app_disabled',
      'app_enabled',
      'user_created',
      'user_disabled',
      'user_password_set',
      'keys_rotated',
      'app_deleted',
    ]);
    const updated = events.find((event) => event.action === 'app_updated')!;
    assert.equal(updated.clientId, 'audited.app');
    assert.equal(updated.targetType, 'app');
    assert.deepEqual(updated.details.changes, {
      displayName: { from: 'Audited', to: 'Audited 2' },
      scopes: { from: [], to: ['read'] },
    });
    assert.equal(events.find((event) => event.action === 'app_secret_revoked')!.targetId, added.secret.id);
    assert.equal(events.find((event) => event.action === 'user_disabled')!.userId, user.id);
    assert.ok(events.every((event) => event.outcome === 'success'));
    const stored = JSON.stringify(events);
    for (const secret of [created.generatedSecret!, added.generatedSecret!, 'another horse battery staple', 'correct horse battery staple']) {
      assert.ok(!stored.includes(secret), 'no secret or password on the trail');
    }
  });

  it('a change without an actor (Trustgate itself, a test) is recorded as system', async () => {
    await new AppService(ctx()).create({ clientId: 'system.app', displayName: 'S', clientType: 'public', loginRedirectUris: ['https://s.example.com/cb'] });
    const { events } = await ctx().store.auditEvents.query({ clientId: 'system.app' });
    assert.deepEqual(events.map((event) => [event.actor, event.action]), [['system', 'app_created']]);
  });

  it('details are redacted by name and cut to size', () => {
    const redacted = redactDetails({
      client_secret: 's3cr3t',
      code: 'the-code',
      code_verifier: 'v',
      refresh_token: 'rt',
      accessToken: 'at',
      password: 'pw',
      nested: { id_token_hint: 'eyJ', hasSecret: true, accessTokenLifetime: 3600 },
      secretId: 'keep-me',
      long: 'x'.repeat(2000),
      list: Array.from({ length: 50 }, (_, i) => i),
    });
    const json = JSON.stringify(redacted);
    for (const value of ['s3cr3t', 'the-code', '"v"', '"rt"', '"at"', '"pw"', 'eyJ']) assert.ok(!json.includes(value), value);
    assert.equal((redacted.nested as Record<string, unknown>).hasSecret, true);
    assert.equal((redacted.nested as Record<string, unknown>).accessTokenLifetime, 3600);
    assert.equal(redacted.secretId, 'keep-me');
    assert.ok((redacted.long as string).length <= 501);
    assert.equal((redacted.list as unknown[]).length, 21);
  });

  it('a store that fails never throws into the caller: the failure is logged', async () => {
    // a database without the audit table (never migrated): every append fails
    const fresh = await createTestDatabase(database().kind);
    const unmigrated = await openStore(fresh.url);
    const log = keepingLog();
    try {
      const recorder = createAuditRecorder({ store: unmigrated, log, now: () => t });
      await recorder.record({ actor: 'system', action: 'store_down_probe' });
    } finally {
      await unmigrated.close();
      await fresh.drop();
    }
    assert.ok(log.lines.some((line) => line.level === 'error' && line.fields.auditStoreFailed === true));
    assert.ok(log.lines.some((line) => line.fields.event === 'store_down_probe' && line.fields.audit === true));
  });

  it('a flood of non-administrative events is sampled per app and action; the next stored one counts the rest', async () => {
    const log = keepingLog();
    let now = t;
    const recorder = createAuditRecorder({ store: ctx().store, log, now: () => now });
    for (let i = 0; i < SAMPLE_LIMIT + 30; i++) {
      await recorder.record({ actor: 'anonymous', action: 'flood_probe', clientId: 'flood.app', outcome: 'failure' });
    }
    // administrative changes are never sampled
    for (let i = 0; i < SAMPLE_LIMIT + 5; i++) {
      await recorder.record({ actor: 'cli:x', action: 'flood_admin_probe', clientId: 'flood.app', administrative: true });
    }
    assert.equal(log.lines.filter((line) => line.fields.event === 'flood_probe').length, SAMPLE_LIMIT + 30, 'every one is logged');
    const stored = async (action: string) => (await ctx().store.auditEvents.query({ action, limit: 1000 })).events;
    assert.equal((await stored('flood_probe')).length, SAMPLE_LIMIT);
    assert.equal((await stored('flood_admin_probe')).length, SAMPLE_LIMIT + 5);
    now += 60_000;
    await recorder.record({ actor: 'anonymous', action: 'flood_probe', clientId: 'flood.app', outcome: 'failure' });
    const [newest] = await stored('flood_probe');
    assert.equal(newest!.details.suppressedBefore, 30);
  });

  it('retention prunes events older than AUDIT_RETENTION_DAYS (default 90)', async () => {
    assert.equal(ctx().config.auditRetentionDays, 90);
    await ctx().store.auditEvents.append({
      id: 'ancient',
      at: t - 91 * 86_400_000,
      actor: 'system',
      action: 'ancient_probe',
      targetType: null,
      targetId: null,
      clientId: null,
      userId: null,
      sourceAddress: null,
      outcome: 'success',
      reason: null,
      details: {},
    });
    assert.ok((await pruneAuditEvents(ctx())) >= 1);
    assert.deepEqual((await ctx().store.auditEvents.query({ action: 'ancient_probe' })).events, []);
    assert.ok((await ctx().store.auditEvents.query({ action: 'app_created' })).events.length > 0);
  });
});
