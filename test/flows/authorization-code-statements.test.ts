import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startCountingServer, type CountingServer } from '../support/statement-recorder.js';
import { mintCode, postForm, setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';

/**
 * Issue 15: every database round trip costs, so the code exchange reads the code and its user in one
 * statement (codes.getWithUser) before it claims the code.
 */
describeEachDatabase('authorization code exchange: one read before the claim', (database) => {
  let server: CountingServer;
  let world: TokenWorld;

  before(async () => {
    server = await startCountingServer(database().url);
    world = await setupTokenWorld(server.ctx);
  });
  after(async () => server?.close());

  async function exchange(scope: string[]): Promise<{ status: number; statements: string[] }> {
    const code = await mintCode(server.ctx, { clientId: world.web.clientId, userId: world.user.id, scope });
    let status = 0;
    const statements = await server.statementsOf(async () => {
      const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
        basic: { clientId: world.web.clientId, secret: world.web.secret },
      });
      status = res.status;
    });
    return { status, statements };
  }

  // protocol scopes only: a token with an API scope also reads the APIs owning it (its aud), after validation
  const cases = [
    { scope: ['openid'], beforeClaim: ['select'] },
    // with a refresh token the claim runs in a transaction (its begin is an 'other' statement)
    { scope: ['openid', 'offline_access'], beforeClaim: ['select', 'other'] },
  ];
  for (const { scope, beforeClaim } of cases) {
    it(`the exchange of a code (${scope.join(' ')}) reads the code and its user in one statement, then claims the code`, async () => {
      assert.equal((await exchange(scope)).status, 200, 'warm-up: the app and its secrets are cached after the first exchange');
      const { status, statements } = await exchange(scope);
      assert.equal(status, 200);
      const claim = statements.indexOf('update');
      assert.ok(claim > 0, `the claim is an update: ${statements.join(', ')}`);
      assert.deepEqual(statements.slice(0, claim), beforeClaim);
    });
  }
});
