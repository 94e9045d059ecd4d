import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, mintCode, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { rotateDueKeys } from '../../src/keys/rotation-schedule.js';
import { PUBLISH_AHEAD_SECONDS } from '../../src/keys/key-schedule.js';
import type { AppContext } from '../../src/context.js';

const INTERVAL = 3600; // KEY_ROTATION_INTERVAL=1h, the shortest allowed
/** how long a replaced key stays published: the apps' longest access-token lifetime (1 h) + 10 minutes */
const KEEP = 3600 + 600;

async function jwksKids(server: TestServer): Promise<string[]> {
  const res = await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid).sort();
}

async function rsaKeys(ctx: AppContext) {
  return (await ctx.keys.list()).filter((key) => key.alg === 'RS256');
}

describeEachDatabase('scheduled key rotation: published before it signs, kept published after', (database) => {
  const clock = testClock(Date.parse('2027-01-01T00:00:00Z'));
  let nodeA: TestServer;
  let nodeB: TestServer;
  let world: TokenWorld;
  before(async () => {
    const env = { KEY_ROTATION_INTERVAL: '1h' };
    nodeA = await startTestServer({ databaseUrl: database().url, now: clock.now, env });
    nodeB = await startTestServer({ databaseUrl: database().url, now: clock.now, env });
    world = await setupTokenWorld(nodeA.app.ctx);
  });
  after(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  /** An access token from `node`'s token endpoint, and the kid that signed it. */
  async function issue(node: TestServer): Promise<{ token: string; kid: string }> {
    const code = await mintCode(node.app.ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['openid', 'read'] });
    const res = await postForm(`${node.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { token: res.body.access_token, kid: decodeJwt(res.body.access_token).header.kid };
  }
  const userinfoStatus = async (node: TestServer, token: string) => {
    const res = await fetch(`${node.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    return res.status === 200 ? 200 : `${res.status} ${await res.text()}`;
  };

  it('every node publishes the new key PUBLISH_AHEAD_SECONDS before any signs with it; the old key stays published for the longest token lifetime', async () => {
    const [k1] = await rsaKeys(nodeA.app.ctx);
    assert.equal((await issue(nodeA)).kid, k1!.kid);

    // not due until the new key could take over exactly when the old one is INTERVAL old
    clock.advance(INTERVAL - PUBLISH_AHEAD_SECONDS - 1);
    await rotateDueKeys(nodeA.app.ctx);
    assert.equal((await rsaKeys(nodeA.app.ctx)).length, 1, 'not due yet');
    clock.advance(1);
    const stagedAt = clock.now();
    await rotateDueKeys(nodeB.app.ctx); // whichever node notices first
    const k2 = (await rsaKeys(nodeA.app.ctx)).find((key) => key.kid !== k1!.kid)!;
    assert.ok(k2, 'a new key was added');
    assert.equal(k2.publishFrom, stagedAt);
    assert.equal(k2.signFrom, stagedAt + PUBLISH_AHEAD_SECONDS * 1000);
    assert.equal(k2.state, 'next');
    assert.ok(PUBLISH_AHEAD_SECONDS >= 300 + 600, 'longer than the JWKS max-age plus the resource server cache');

    // from its publication until it signs: in every node's JWKS (within the key-ring refresh), signing nothing
    clock.advance(11);
    for (const node of [nodeA, nodeB]) {
      assert.deepEqual(await jwksKids(node), [k1!.kid, k2.kid].sort());
      assert.equal((await issue(node)).kid, k1!.kid);
    }
    clock.advance(PUBLISH_AHEAD_SECONDS - 11 - 1);
    const lastOld = new Map<TestServer, string>();
    for (const node of [nodeA, nodeB]) {
      const { token, kid } = await issue(node);
      assert.equal(kid, k1!.kid, 'still the old key one second before the switch');
      lastOld.set(node, token);
    }

    clock.advance(1);
    for (const node of [nodeA, nodeB]) {
      assert.equal((await issue(node)).kid, k2.kid, 'the new key signs from signFrom on, on every node');
      assert.deepEqual(await jwksKids(node), [k1!.kid, k2.kid].sort(), 'the old key stays published');
      assert.equal(await userinfoStatus(node, lastOld.get(node)!), 200, 'tokens signed by the old key still verify');
    }
    const old = (await rsaKeys(nodeA.app.ctx)).find((key) => key.kid === k1!.kid)!;
    assert.equal(old.state, 'retired');
    assert.equal(old.retiredAt, k2.signFrom);
    assert.equal(old.publishUntil, k2.signFrom + KEEP * 1000);

    clock.advance(KEEP - 1);
    assert.ok((await jwksKids(nodeA)).includes(k1!.kid), 'published until the last token it signed has expired, plus a margin');
    clock.advance(11); // past publishUntil, and past the key-ring refresh
    for (const node of [nodeA, nodeB]) assert.ok(!(await jwksKids(node)).includes(k1!.kid), 'then withdrawn');
  });
});

describeEachDatabase('scheduled key rotation: KEY_ROTATION_INTERVAL=off', (database) => {
  const clock = testClock(Date.parse('2027-01-01T00:00:00Z'));
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now, env: { KEY_ROTATION_INTERVAL: 'off' } });
  });
  after(async () => server?.close());

  it('never rotates on its own', async () => {
    clock.advance(1000 * 86400);
    assert.deepEqual(await rotateDueKeys(server.app.ctx), []);
    assert.equal((await server.app.ctx.keys.list()).length, 1);
  });
});

describeEachDatabase('scheduled key rotation: nodes that notice at once add one key', (database) => {
  const clock = testClock(Date.parse('2027-01-01T00:00:00Z'));
  let nodes: TestServer[] = [];
  before(async () => {
    // started together on an empty database: one first key
    const start = () => startTestServer({ databaseUrl: database().url, now: clock.now, env: { KEY_ROTATION_INTERVAL: '1h' } });
    // PostgreSQL serves several nodes: three start together on an empty database. SQLite serves one node
    // (a second one in this same thread could only wait on the first): there its checks race each other.
    nodes = database().kind === 'postgres' ? await Promise.all([start(), start(), start()]) : [await start()];
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('racing the scheduled rotation round after round, and an algorithm\'s first key, creates exactly one key each time', async () => {
    assert.equal((await rsaKeys(nodes[0]!.app.ctx)).length, 1, 'the nodes created one first key');
    const contexts = [0, 1, 2].map((i) => nodes[i % nodes.length]!.app.ctx);
    for (let round = 1; round <= 4; round++) {
      clock.advance(INTERVAL);
      await Promise.all(contexts.map((ctx) => rotateDueKeys(ctx)));
      const keys = await rsaKeys(nodes[0]!.app.ctx);
      assert.equal(keys.length, 1 + round, `round ${round}: ${JSON.stringify(keys.map((k) => k.kid))}`);
      assert.equal(keys.filter((key) => key.state === 'next').length, 1);
    }
    await Promise.all(contexts.map((ctx) => ctx.keys.ensureKeys(['ES256', 'EdDSA'])));
    const keys = await nodes[0]!.app.ctx.keys.list();
    assert.equal(keys.filter((key) => key.alg === 'ES256').length, 1);
    assert.equal(keys.filter((key) => key.alg === 'EdDSA').length, 1);
  });
});
