import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { mintCode, pkcePair, postForm, setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';

const SPA_CALLBACK = 'https://spa.example.com/index.html';
const WEB_CALLBACK = 'https://app.example.com/callback';
const UNKNOWN = { error: 'invalid_grant', error_description: 'authorization code is invalid or unknown' };
const REPLAYED = { error: 'invalid_grant', error_description: 'authorization code was already used' };
const REVOKED = { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token was revoked' };

/**
 * A replayed code revokes what it issued (RFC 6749 4.1.2) only when presented as a redemption would be:
 * by the code's own client, with its redirect_uri and PKCE verifier. Anyone else who saw a used code
 * (a public app authenticates with its client_id alone) gets "invalid or unknown" and changes nothing.
 */
describeEachDatabase('a used authorization code presented again', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const token = (params: Record<string, string>, basic?: { clientId: string; secret: string }) =>
    postForm(`${server.issuer}/connect/token`, params, basic ? { basic } : {});
  const web = () => ({ clientId: world.web.clientId, secret: world.web.secret });

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    world = await setupTokenWorld(server.app.ctx);
  });
  after(async () => server?.close());

  /** The victim's tokens: still usable (refreshing rotates them) or revoked. */
  class Victim {
    constructor(
      private refreshToken: string,
      private readonly client: { client_id?: string; basic?: { clientId: string; secret: string } },
    ) {}
    async stillWorks(): Promise<void> {
      const res = await token({ grant_type: 'refresh_token', refresh_token: this.refreshToken, ...(this.client.client_id ? { client_id: this.client.client_id } : {}) }, this.client.basic);
      assert.equal(res.status, 200, `the victim's refresh token still works: ${JSON.stringify(res.body)}`);
      this.refreshToken = res.body.refresh_token;
    }
    async isRevoked(): Promise<void> {
      const res = await token({ grant_type: 'refresh_token', refresh_token: this.refreshToken, ...(this.client.client_id ? { client_id: this.client.client_id } : {}) }, this.client.basic);
      assert.deepEqual(res.body, REVOKED);
    }
  }

  it('public app: without the verifier (or a wrong one, or another redirect_uri) nothing changes; with it, everything is revoked', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await mintCode(server.app.ctx, {
      clientId: world.spa.clientId, userId: world.user.id, redirectUri: SPA_CALLBACK, scope: ['openid', 'offline_access', 'read'], codeChallenge: challenge,
    });
    const redeem = { grant_type: 'authorization_code', code, redirect_uri: SPA_CALLBACK, client_id: world.spa.clientId };
    const first = await token({ ...redeem, code_verifier: verifier });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const victim = new Victim(first.body.refresh_token, { client_id: world.spa.clientId });

    for (const attempt of [
      redeem,
      { ...redeem, code_verifier: pkcePair().verifier },
      { ...redeem, code_verifier: 'short' },
      { ...redeem, code_verifier: verifier, redirect_uri: 'https://spa.example.com/other' },
    ]) {
      const replay = await token(attempt);
      assert.equal(replay.status, 400);
      assert.deepEqual(replay.body, UNKNOWN);
      await victim.stillWorks();
    }
    const userinfo = await fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
    assert.equal(userinfo.status, 200, 'the first access token was not deny-listed');

    const replay = await token({ ...redeem, code_verifier: verifier });
    assert.deepEqual(replay.body, REPLAYED);
    await victim.isRevoked();
    const after = await fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
    assert.equal(after.status, 401);
  });

  it('confidential app: another app, or the wrong redirect_uri, changes nothing; the app itself revokes', async () => {
    const code = await mintCode(server.app.ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['openid', 'offline_access', 'read'] });
    const redeem = { grant_type: 'authorization_code', code, redirect_uri: WEB_CALLBACK };
    const first = await token(redeem, web());
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const victim = new Victim(first.body.refresh_token, { basic: web() });

    const byOther = await token(redeem, { clientId: world.other.clientId, secret: world.other.secret });
    assert.deepEqual(byOther.body, UNKNOWN);
    await victim.stillWorks();
    const elsewhere = await token({ ...redeem, redirect_uri: 'https://app.example.com/callback/' }, web());
    assert.deepEqual(elsewhere.body, UNKNOWN);
    const downgrade = await token({ ...redeem, code_verifier: pkcePair().verifier }, web());
    assert.deepEqual(downgrade.body, UNKNOWN);
    await victim.stillWorks();

    assert.deepEqual((await token(redeem, web())).body, REPLAYED);
    await victim.isRevoked();
  });
});
