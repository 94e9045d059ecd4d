import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiRegistry } from '../../src/stores/api-registry.js';
import { ApiService } from '../../src/admin/api-service.js';
import { tokenAudiences, isOurAudience } from '../../src/tokens/audiences.js';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A registry over a counting fake of the two store reads (the store itself has contract tests). */
function setup(ttlMs = 2_000) {
  let now = 1_000_000;
  const owner = new Map<string, string>([['erp.read', 'https://erp.example/api']]);
  const apis = new Set(['https://erp.example/api']);
  const reads = { owners: 0, registered: 0 };
  let failNext = false;
  const store = {
    async owners(scopes: readonly string[]) {
      reads.owners += 1;
      if (failNext) {
        failNext = false;
        throw new Error('database unavailable');
      }
      return new Map(scopes.filter((s) => owner.has(s)).map((s) => [s, owner.get(s)!] as [string, string]));
    },
    async registered(audiences: readonly string[]) {
      reads.registered += 1;
      return audiences.filter((a) => apis.has(a));
    },
  };
  const registry = new ApiRegistry(store, ttlMs, () => now);
  return { registry, owner, apis, reads, advance: (ms: number) => (now += ms), failOnce: () => (failNext = true) };
}

describe('ApiRegistry (API ownership through a short-lived cache)', () => {
  it('reads the store once per scope set within the time to live, whatever the order of the scopes', async () => {
    const { registry, reads } = setup();
    assert.deepEqual([...(await registry.owners(['erp.read', 'openid']))], [['erp.read', 'https://erp.example/api']]);
    await registry.owners(['openid', 'erp.read']);
    await Promise.all([registry.owners(['erp.read', 'openid']), registry.owners(['erp.read', 'openid'])]);
    assert.equal(reads.owners, 1);
    assert.equal(await registry.anyRegistered(['https://erp.example/api']), true);
    assert.equal(await registry.anyRegistered(['https://erp.example/api']), true);
    assert.equal(await registry.anyRegistered(['https://other.example']), false);
    assert.equal(reads.registered, 2);
  });

  it('sees a change made on another node once the time to live has passed, and not before', async () => {
    const { registry, owner, apis, advance } = setup();
    assert.equal((await registry.owners(['erp.write'])).size, 0);
    assert.equal(await registry.anyRegistered(['https://hr.example/api']), false);
    owner.set('erp.write', 'https://hr.example/api');
    apis.add('https://hr.example/api');
    advance(1_999);
    assert.equal((await registry.owners(['erp.write'])).size, 0, 'still cached');
    advance(1);
    assert.equal((await registry.owners(['erp.write'])).get('erp.write'), 'https://hr.example/api');
    assert.equal(await registry.anyRegistered(['https://hr.example/api']), true);
  });

  it('sees a change made on this node at once (invalidate)', async () => {
    const { registry, apis, reads } = setup();
    assert.equal(await registry.anyRegistered(['https://erp.example/api']), true);
    apis.delete('https://erp.example/api');
    registry.invalidate();
    assert.equal(await registry.anyRegistered(['https://erp.example/api']), false);
    assert.equal(reads.registered, 2);
  });

  it('caches nothing with a time to live of 0, and never caches a failed read', async () => {
    const off = setup(0);
    await off.registry.owners(['erp.read']);
    await off.registry.owners(['erp.read']);
    assert.equal(off.reads.owners, 2);
    const on = setup();
    on.failOnce();
    await assert.rejects(on.registry.owners(['erp.read']), /database unavailable/);
    assert.equal((await on.registry.owners(['erp.read'])).size, 1);
    assert.equal(on.reads.owners, 2);
  });

  it('does not read the store for an empty list', async () => {
    const { registry, reads } = setup();
    assert.equal((await registry.owners([])).size, 0);
    assert.equal(await registry.anyRegistered([]), false);
    assert.deepEqual(reads, { owners: 0, registered: 0 });
  });
});

describeEachDatabase('API registry cache: a change made on this node counts at once', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, env: { CLIENT_CACHE_SECONDS: '5', API_AUDIENCE: 'https://default.example/api' } });
  });
  after(async () => server?.close());

  it('registering, changing and deleting an API through the admin service changes the audience of the next token', async () => {
    const ctx = server.app.ctx;
    const service = new ApiService(ctx);
    // the scope is unowned and the audience unknown: both answers are now cached for 5 s
    assert.deepEqual(await tokenAudiences(ctx, ['openid', 'hr.read']), ['https://default.example/api']);
    assert.equal(await isOurAudience(ctx, 'https://hr.example/api'), false);
    await service.create({ audience: 'https://hr.example/api', displayName: 'HR', scopes: ['hr.read'], generateSecret: true });
    assert.deepEqual(await tokenAudiences(ctx, ['openid', 'hr.read']), ['https://hr.example/api']);
    assert.equal(await isOurAudience(ctx, 'https://hr.example/api'), true);
    await service.update('https://hr.example/api', { scopes: ['hr.write'] });
    assert.deepEqual(await tokenAudiences(ctx, ['openid', 'hr.read']), ['https://default.example/api']);
    assert.deepEqual(await tokenAudiences(ctx, ['openid', 'hr.write']), ['https://hr.example/api']);
    await service.delete('https://hr.example/api');
    assert.deepEqual(await tokenAudiences(ctx, ['openid', 'hr.write']), ['https://default.example/api']);
    assert.equal(await isOurAudience(ctx, 'https://hr.example/api'), false);
  });
});
