import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { useStores } from './support.js';
import type { AuditEvent } from '../../src/domain/audit-event.js';

const T = 1_700_000_000_000;

function anEvent(id: string, fields: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    at: T,
    actor: 'cli:alice',
    action: 'app_created',
    targetType: 'app',
    targetId: 'web.app',
    clientId: 'web.app',
    userId: null,
    sourceAddress: null,
    outcome: 'success',
    reason: null,
    details: {},
    ...fields,
  };
}

/** AuditEventsStore: appended events read back newest first with filters and a cursor; retention prunes in batches. */
describeEachDatabase('store contract: audit events', (database) => {
  const { store } = useStores(database);

  it('an appended event reads back as it was written, details included', async () => {
    const event = anEvent('e-roundtrip', {
      at: T - 10_000_000,
      actor: 'user:u-1',
      action: 'roundtrip_probe',
      targetType: 'user',
      targetId: 'u-1',
      clientId: 'rt.app',
      userId: 'u-1',
      sourceAddress: '192.0.2.7',
      outcome: 'failure',
      reason: 'redirect_uri not registered',
      details: { sent: 'https://evil.example/cb', registered: ['https://rt.example/cb'], n: 3, ok: false, nested: { a: null } },
    });
    await store().auditEvents.append(event);
    const page = await store().auditEvents.query({ action: 'roundtrip_probe' });
    assert.deepEqual(page, { events: [event], nextCursor: null });
  });

  it('filters by app, user, actor, action, outcome and time, each and together; newest first', async () => {
    const base = T + 1_000_000;
    await store().auditEvents.append(anEvent('f-1', { at: base + 1, clientId: 'f.app', action: 'f_probe', outcome: 'success' }));
    await store().auditEvents.append(anEvent('f-2', { at: base + 2, clientId: 'f.app', action: 'f_probe', outcome: 'failure', actor: 'app:f.app' }));
    await store().auditEvents.append(anEvent('f-3', { at: base + 3, clientId: 'g.app', action: 'f_probe', outcome: 'refused', userId: 'u-f' }));
    await store().auditEvents.append(anEvent('f-4', { at: base + 4, clientId: null, action: 'f_other', userId: 'u-f', actor: 'system' }));
    const ids = async (filter: Parameters<ReturnType<typeof store>['auditEvents']['query']>[0]) =>
      (await store().auditEvents.query({ since: base, ...filter })).events.map((event) => event.id);
    assert.deepEqual(await ids({}), ['f-4', 'f-3', 'f-2', 'f-1']);
    assert.deepEqual(await ids({ clientId: 'f.app' }), ['f-2', 'f-1']);
    assert.deepEqual(await ids({ userId: 'u-f' }), ['f-4', 'f-3']);
    assert.deepEqual(await ids({ actor: 'system' }), ['f-4']);
    assert.deepEqual(await ids({ action: 'f_probe' }), ['f-3', 'f-2', 'f-1']);
    assert.deepEqual(await ids({ action: ['f_other', 'f_probe'], outcome: ['failure', 'refused'] }), ['f-3', 'f-2']);
    assert.deepEqual(await ids({ outcome: 'failure' }), ['f-2']);
    assert.deepEqual(await ids({ since: base + 2, until: base + 4 }), ['f-3', 'f-2']);
    assert.deepEqual(await ids({ clientId: 'f.app', outcome: 'failure', actor: 'app:f.app' }), ['f-2']);
    assert.deepEqual(await ids({ limit: 2 }), ['f-4', 'f-3']);
  });

  it('pages with a cursor: every event exactly once, also among events of the same millisecond', async () => {
    const at = T + 2_000_000;
    const written = Array.from({ length: 7 }, (_, i) => anEvent(`p-${i}`, { at: at + (i < 4 ? 0 : i), action: 'page_probe' }));
    for (const event of written) await store().auditEvents.append(event);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store().auditEvents.query({ action: 'page_probe', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.events.map((event) => event.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.equal(seen.length, 7);
    assert.deepEqual(new Set(seen), new Set(written.map((event) => event.id)));
    assert.deepEqual(seen.slice(0, 3), ['p-6', 'p-5', 'p-4']);
    assert.deepEqual(await store().auditEvents.query({ action: 'page_probe', cursor: 'not a cursor' }), { events: [], nextCursor: null });
  });

  it('hostile text is stored the same on both databases and hostile filters find nothing', async () => {
    await store().auditEvents.append(
      anEvent('h-1', { action: 'hostile_probe', targetId: 'x\u0000y', reason: 'lone \ud800 surrogate', details: { sent: 'a\u0000b\udc00' } }),
    );
    const [event] = (await store().auditEvents.query({ action: 'hostile_probe' })).events;
    assert.equal(event!.targetId, 'x\ufffdy');
    assert.equal(event!.reason, 'lone \ufffd surrogate');
    assert.deepEqual(event!.details, { sent: 'a\u0000b\udc00' });
    for (const value of ['hostile\u0000', 'hostile\ud800']) {
      assert.deepEqual(await store().auditEvents.query({ clientId: value }), { events: [], nextCursor: null });
      assert.deepEqual(await store().auditEvents.query({ action: value }), { events: [], nextCursor: null });
      assert.equal(await store().auditEvents.pruneFailuresBeyond(value, 0), 0);
    }
  });

  it('retention removes events older than the cutoff, in batches, and keeps newer ones', async () => {
    const old = T - 100 * 86_400_000;
    for (let i = 0; i < 5; i++) await store().auditEvents.append(anEvent(`old-${i}`, { at: old + i, action: 'retention_probe' }));
    await store().auditEvents.append(anEvent('young', { at: T, action: 'retention_probe' }));
    assert.equal(await store().auditEvents.pruneBefore(old + 100, 2), 2);
    assert.equal(await store().auditEvents.pruneBefore(old + 100, 2), 2);
    assert.ok((await store().auditEvents.pruneBefore(old + 100, 100)) >= 1);
    assert.equal(await store().auditEvents.pruneBefore(old + 100, 100), 0);
    assert.deepEqual((await store().auditEvents.query({ action: 'retention_probe' })).events.map((event) => event.id), ['young']);
  });

  it("an app's failure trail keeps its newest events; its successes and other apps' failures stay", async () => {
    const at = T + 3_000_000;
    for (let i = 0; i < 6; i++) {
      await store().auditEvents.append(anEvent(`c-${i}`, { at: at + i, clientId: 'cap.app', action: 'cap_probe', outcome: i % 2 ? 'failure' : 'refused' }));
    }
    await store().auditEvents.append(anEvent('c-ok', { at, clientId: 'cap.app', action: 'cap_probe', outcome: 'success' }));
    await store().auditEvents.append(anEvent('c-other', { at, clientId: 'other-cap.app', action: 'cap_probe', outcome: 'failure' }));
    assert.equal(await store().auditEvents.pruneFailuresBeyond('cap.app', 2, 3), 3);
    assert.equal(await store().auditEvents.pruneFailuresBeyond('cap.app', 2, 3), 1);
    assert.equal(await store().auditEvents.pruneFailuresBeyond('cap.app', 2, 3), 0);
    const left = (await store().auditEvents.query({ action: 'cap_probe' })).events.map((event) => event.id);
    assert.deepEqual(left, ['c-5', 'c-4', 'c-other', 'c-ok']);
  });
});
