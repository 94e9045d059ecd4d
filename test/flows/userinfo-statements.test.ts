import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startCountingServer, type CountingServer } from '../support/statement-recorder.js';
import { mintCode, postForm, setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';

/**
 * Issue 15: every database round trip costs (on PostgreSQL a syscall and the protocol's work), so a
 * userinfo call reads its user and the deny list in one statement (users.getByIdUnlessRevoked).
 */
describeEachDatabase('userinfo: one statement per call', (database) => {
  let server: CountingServer;
  let world: TokenWorld;
  const userinfo = (token: string) => fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    server = await startCountingServer(database().url);
    world = await setupTokenWorld(server.ctx);
  });
  after(async () => server?.close());

  async function accessToken(): Promise<{ token: string; jti: string }> {
    const code = await mintCode(server.ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['openid', 'profile'] });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const token = res.body.access_token as string;
    return { token, jti: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti };
  }

  it('a userinfo call runs one statement (the user and the deny list together)', async () => {
    const { token } = await accessToken();
    assert.equal((await userinfo(token)).status, 200, 'warm-up: the key ring and the app are cached after the first call');
    let status = 0;
    const statements = await server.statementsOf(async () => {
      const res = await userinfo(token);
      status = res.status;
      await res.body?.cancel();
    });
    assert.equal(status, 200);
    assert.deepEqual(statements, ['select']);
  });

  it('a revoked token is refused after that one statement too', async () => {
    const { token, jti } = await accessToken();
    assert.equal((await userinfo(token)).status, 200);
    await server.ctx.store.revokedTokens.add(jti, Date.now() + 3_600_000, Date.now());
    let body: unknown;
    const statements = await server.statementsOf(async () => {
      body = await (await userinfo(token)).json();
    });
    assert.deepEqual(body, { error: 'invalid_token', error_description: 'the access token was revoked' });
    assert.deepEqual(statements, ['select']);
  });
});
