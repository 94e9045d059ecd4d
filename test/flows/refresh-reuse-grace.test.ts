import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { mintCode, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { inspectDatabase } from '../support/inspect-database.js';
import { AppService } from '../../src/admin/app-service.js';
import { sha256 } from '../../src/tokens/opaque.js';
import type { AppContext } from '../../src/context.js';

const REUSED = {
  error: 'invalid_grant',
  error_description: 'refresh token is expired or invalid: the refresh token was already used; every token of this sign-in is now revoked, sign the user in again',
};
const REVOKED = { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token was revoked' };

/** Signs alice in at the web app (offline_access) and returns the token response. */
async function signIn(ctx: AppContext, world: TokenWorld, tokenUrl: string): Promise<Record<string, string>> {
  const code = await mintCode(ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['openid', 'offline_access', 'read'] });
  const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
    basic: world.web,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as Record<string, string>;
}

/** How many refresh tokens of the family `token` belongs to are live (unconsumed), or stored at all. */
async function liveTokens(ctx: AppContext, token: string, which: 'live' | 'all' = 'live'): Promise<number> {
  const db = await inspectDatabase(ctx);
  const { family_id } = await db.selectFrom('refresh_tokens').select('family_id').where('token_hash', '=', sha256(token)).executeTakeFirstOrThrow();
  let query = db.selectFrom('refresh_tokens').select('token_hash').where('family_id', '=', family_id);
  if (which === 'live') query = query.where('consumed_at', 'is', null);
  return (await query.execute()).length;
}

describeEachDatabase('refresh reuse grace window (REFRESH_REUSE_GRACE_SECONDS, per-app override)', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  let tokenUrl: string;
  const ctx = () => server.app.ctx;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
    tokenUrl = `${server.issuer}/connect/token`;
  });
  after(async () => server?.close());

  const refresh = (token: string) => postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: token }, { basic: world.web });
  const userinfoStatus = async (accessToken: string) =>
    (await fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

  it('six concurrent refreshes with one token all succeed; the next rotation leaves one live token', async () => {
    const first = await signIn(ctx(), world, tokenUrl);
    const results = await Promise.all(Array.from({ length: 6 }, () => refresh(first.refresh_token!)));
    assert.deepEqual(results.map((r) => r.status), Array(6).fill(200), JSON.stringify(results.map((r) => r.body)));
    const successors = results.map((r) => r.body.refresh_token as string);
    assert.equal(new Set(successors).size, 6, 'each request got its own successor');
    for (const r of results) assert.equal(await userinfoStatus(r.body.access_token), 200);
    assert.equal(await liveTokens(ctx(), first.refresh_token!), 6);

    clock.advance(5);
    const next = await refresh(successors[3]!);
    assert.equal(next.status, 200);
    assert.equal(await liveTokens(ctx(), first.refresh_token!), 1, 'the siblings were retired by the rotation');
    // a retired sibling presented later is a reuse: the family is revoked (and so is `next`)
    clock.advance(60);
    assert.deepEqual((await refresh(successors[0]!)).body, REUSED);
    assert.deepEqual((await refresh(next.body.refresh_token)).body, REVOKED);
    assert.equal(await userinfoStatus(next.body.access_token), 401);
  });

  it('a lost response: the same token again within the window gets a new successor; the lost one is retired', async () => {
    const first = await signIn(ctx(), world, tokenUrl);
    const lost = await refresh(first.refresh_token!); // the client never received this answer
    assert.equal(lost.status, 200);
    clock.advance(12);
    const retry = await refresh(first.refresh_token!);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    clock.advance(3600);
    const onwards = await refresh(retry.body.refresh_token);
    assert.equal(onwards.status, 200, 'the retry\'s token refreshes on, an hour later');
    assert.equal(await liveTokens(ctx(), first.refresh_token!), 1);
  });

  it('replayed after the window (30 s from the rotation, never extended): invalid_grant, and the family is revoked', async () => {
    const first = await signIn(ctx(), world, tokenUrl);
    const rotated = await refresh(first.refresh_token!);
    for (const seconds of [10, 10, 9]) {
      clock.advance(seconds);
      assert.equal((await refresh(first.refresh_token!)).status, 200, 'within the window');
    }
    clock.advance(1); // 30 s after the rotation
    assert.deepEqual((await refresh(first.refresh_token!)).body, REUSED);
    assert.deepEqual((await refresh(rotated.body.refresh_token)).body, REVOKED);
    assert.equal(await userinfoStatus(rotated.body.access_token), 401);
    const family = await (await inspectDatabase(ctx())).selectFrom('refresh_tokens as t').innerJoin('refresh_families as f', 'f.id', 't.family_id')
      .select(['f.revoked_reason']).where('t.token_hash', '=', sha256(first.refresh_token!)).executeTakeFirstOrThrow();
    assert.equal(family.revoked_reason, 'reuse');
  });

  it('a token two rotations back is a reuse even within its window: only the latest rotated token has one', async () => {
    const first = await signIn(ctx(), world, tokenUrl);
    const second = await refresh(first.refresh_token!);
    const third = await refresh(second.body.refresh_token);
    assert.equal(third.status, 200);
    assert.deepEqual((await refresh(first.refresh_token!)).body, REUSED);
  });

  it('per app: --refresh-reuse-grace 0 switches the window off, 120 widens it; "default" follows the variable', async () => {
    const apps = new AppService(ctx());
    try {
      await apps.update(world.web.clientId, { refreshReuseGraceSeconds: 0 });
      const off = await signIn(ctx(), world, tokenUrl);
      assert.equal((await refresh(off.refresh_token!)).status, 200);
      assert.deepEqual((await refresh(off.refresh_token!)).body, REUSED, 'no window: the very next presentation is a reuse');

      await apps.update(world.web.clientId, { refreshReuseGraceSeconds: 120 });
      const wide = await signIn(ctx(), world, tokenUrl);
      assert.equal((await refresh(wide.refresh_token!)).status, 200);
      clock.advance(100);
      assert.equal((await refresh(wide.refresh_token!)).status, 200, 'within the app\'s 120 s');
      clock.advance(20);
      assert.deepEqual((await refresh(wide.refresh_token!)).body, REUSED);
      await assert.rejects(apps.update(world.web.clientId, { refreshReuseGraceSeconds: 301 }), /between 0 and 300/);
    } finally {
      await apps.update(world.web.clientId, { refreshReuseGraceSeconds: null });
    }
  });

  it('the window does not outlive the family: at the family\'s end even a just-rotated token is refused', async () => {
    const first = await signIn(ctx(), world, tokenUrl);
    clock.advance(30 * 86400 - 10);
    const rotated = await refresh(first.refresh_token!);
    assert.equal(rotated.status, 200);
    clock.advance(10);
    const again = await refresh(first.refresh_token!);
    assert.deepEqual(again.body, { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token expired; sign the user in again' });
  });
});

describe('refresh reuse grace window on two nodes sharing PostgreSQL', { skip: postgresSkipReason() }, () => {
  let database: TestDatabase;
  let nodes: TestServer[] = [];
  let world: TokenWorld;
  const clock = testClock();

  before(async () => {
    database = await createTestDatabase('postgres');
    nodes = [
      await startTestServer({ databaseUrl: database.url, now: clock.now }),
      await startTestServer({ databaseUrl: database.url, now: clock.now }),
    ];
    world = await setupTokenWorld(nodes[0]!.app.ctx);
  });
  after(async () => {
    for (const node of nodes) await node.close();
    await database?.drop();
  });

  const refreshAt = (node: TestServer, token: string) =>
    postForm(`${node.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: token }, { basic: world.web });

  it('concurrent refreshes with one token on both nodes all succeed; after the window a replay on either node revokes', async () => {
    for (let round = 0; round < 3; round++) {
      const first = await signIn(nodes[0]!.app.ctx, world, `${nodes[0]!.issuer}/connect/token`);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => refreshAt(nodes[i % 2]!, first.refresh_token!)));
      assert.deepEqual(results.map((r) => r.status), Array(6).fill(200), `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
      // the family goes on from one of them; after the window the original is a reuse on the other node
      const next = await refreshAt(nodes[round % 2]!, results[round]!.body.refresh_token);
      assert.equal(next.status, 200);
      assert.equal(await liveTokens(nodes[0]!.app.ctx, first.refresh_token!), 1);
      clock.advance(31);
      assert.deepEqual((await refreshAt(nodes[(round + 1) % 2]!, first.refresh_token!)).body, REUSED);
      assert.deepEqual((await refreshAt(nodes[round % 2]!, next.body.refresh_token)).body, REVOKED);
    }
  });

  it('no refresh token accepted outside the window more than once: 20 concurrent presentations on two nodes after it', async () => {
    const first = await signIn(nodes[0]!.app.ctx, world, `${nodes[0]!.issuer}/connect/token`);
    const rotated = await refreshAt(nodes[1]!, first.refresh_token!);
    assert.equal(rotated.status, 200);
    clock.advance(30);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refreshAt(nodes[i % 2]!, first.refresh_token!)));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(400));
    for (const r of results) assert.equal(r.body.error, 'invalid_grant');
    assert.equal(await liveTokens(nodes[0]!.app.ctx, first.refresh_token!, 'all'), 2, 'nothing was issued after the window');
    assert.deepEqual((await refreshAt(nodes[0]!, rotated.body.refresh_token)).body, REVOKED);
  });

  it('a fresh token raced on two nodes with the window switched off: exactly one success', async () => {
    const apps = new AppService(nodes[0]!.app.ctx);
    await apps.update(world.web.clientId, { refreshReuseGraceSeconds: 0 });
    nodes[1]!.app.ctx.clients.invalidate(world.web.clientId);
    try {
      for (let round = 0; round < 3; round++) {
        const first = await signIn(nodes[0]!.app.ctx, world, `${nodes[0]!.issuer}/connect/token`);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => refreshAt(nodes[i % 2]!, first.refresh_token!)));
        assert.equal(results.filter((r) => r.status === 200).length, 1, `round ${round}`);
      }
    } finally {
      await apps.update(world.web.clientId, { refreshReuseGraceSeconds: null });
      nodes[1]!.app.ctx.clients.invalidate(world.web.clientId);
    }
  });
});
