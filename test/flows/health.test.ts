import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeEachDatabase('health probes', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
  });
  after(async () => server?.close());

  it('GET /healthz answers 200 while the process is alive', async () => {
    const res = await fetch(`${server.origin}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('GET /readyz answers 200 when the database is reachable and a signing key is loaded', async () => {
    const res = await fetch(`${server.origin}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ready', database: 'ok', keys: 'ok' });
  });

  it('GET /readyz answers 503 naming the database once the database is gone', async () => {
    const other = await startTestServer({ databaseUrl: database().url });
    await other.app.ctx.store.close();
    try {
      const res = await fetch(`${other.origin}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'database unreachable', database: 'unreachable', keys: 'unavailable' });
      assert.equal((await fetch(`${other.origin}/healthz`)).status, 200, 'alive even so');
    } finally {
      await other.app.server.close();
    }
  });

  it('unknown paths answer a JSON 404, not a stack trace', async () => {
    const res = await fetch(`${server.origin}/id/nope?x=1`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: string };
    assert.equal(body.error, 'not_found');
  });
});
