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

  it('GET /readyz answers 200 when the database is reachable', async () => {
    const res = await fetch(`${server.origin}/readyz`);
    assert.equal(res.status, 200);
  });

  it('unknown paths answer a JSON 404, not a stack trace', async () => {
    const res = await fetch(`${server.origin}/id/nope?x=1`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: string };
    assert.equal(body.error, 'not_found');
  });
});
