import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aSession, aUser, useStores } from './support.js';

/**
 * SessionsStore.getWithUserAndConsent: what an authorization from an SSO session needs (the session, its
 * user as UsersStore.getById reads it, the user's consent to the app as ConsentsStore.get reads it), in one read.
 */
describeEachDatabase('store contract: session with user and consent', (database) => {
  const { store } = useStores(database);

  it('a live session: the session, its user and the scopes the user allowed this app (not another app\'s, not another user\'s)', async () => {
    await store().users.insert(aUser('wc-u1', 'wc-alice'));
    await store().users.insert(aUser('wc-u2', 'wc-bob'));
    const session = aSession('wc-live', { userId: 'wc-u1', amr: ['pwd', 'otp'] });
    await store().sessions.insert(session);
    await store().consents.grant('wc-u1', 'wc.app', ['openid', 'read'], 1_000);
    await store().consents.grant('wc-u1', 'other.app', ['update'], 1_000);
    await store().consents.grant('wc-u2', 'wc.app', ['update'], 1_000);
    const read = await store().sessions.getWithUserAndConsent('wc-live', 'wc.app');
    assert.deepEqual(read, {
      session,
      user: await store().users.getById('wc-u1'),
      consentedScopes: await store().consents.get('wc-u1', 'wc.app'),
    });
    assert.deepEqual(read!.consentedScopes, ['openid', 'read']);
    assert.deepEqual(read!.user, aUser('wc-u1', 'wc-alice'));
    assert.deepEqual((await store().sessions.getWithUserAndConsent('wc-live', 'other.app'))!.consentedScopes, ['update']);
  });

  it('no consent to the app: empty scopes, with the session and user', async () => {
    await store().users.insert(aUser('nc-u1', 'nc-alice'));
    await store().sessions.insert(aSession('nc-live', { userId: 'nc-u1' }));
    const read = await store().sessions.getWithUserAndConsent('nc-live', 'never-consented.app');
    assert.deepEqual(read, { session: aSession('nc-live', { userId: 'nc-u1' }), user: aUser('nc-u1', 'nc-alice'), consentedScopes: [] });
  });

  it('an unknown session is undefined; an ended or expired one is returned as it is (the caller judges liveness)', async () => {
    assert.equal(await store().sessions.getWithUserAndConsent('unknown-session', 'wc.app'), undefined);
    await store().users.insert(aUser('en-u1', 'en-alice'));
    const ended = aSession('en-ended', { userId: 'en-u1', endedAt: 1_700_000_000_500, expiresAt: 1 });
    await store().sessions.insert(ended);
    assert.deepEqual((await store().sessions.getWithUserAndConsent('en-ended', 'wc.app'))!.session, ended);
  });

  it('a disabled user is returned disabled; a session whose user is gone has no user', async () => {
    await store().users.insert(aUser('du-u1', 'du-alice', { enabled: false }));
    await store().sessions.insert(aSession('du-session', { userId: 'du-u1' }));
    const read = await store().sessions.getWithUserAndConsent('du-session', 'wc.app');
    assert.equal(read!.user!.enabled, false);
    assert.deepEqual(read!.user, await store().users.getById('du-u1'));
    await store().sessions.insert(aSession('gone-session', { userId: 'no-such-user' }));
    const orphan = await store().sessions.getWithUserAndConsent('gone-session', 'wc.app');
    assert.deepEqual(orphan, { session: aSession('gone-session', { userId: 'no-such-user' }), user: undefined, consentedScopes: [] });
  });

  it('hasSecondFactor as UsersStore.getById computes it: a confirmed TOTP or a passkey, not a pending TOTP', async () => {
    const cases = [
      ['sf-none', async () => {}, false],
      ['sf-pending', async () => store().secondFactors.addPendingTotp(totp('sf-pending-t', 'sf-pending')), false],
      ['sf-totp', async () => {
        await store().secondFactors.addPendingTotp(totp('sf-totp-t', 'sf-totp'));
        assert.equal(await store().secondFactors.confirmTotp('sf-totp', 'sf-totp-t', 1, 2_000), true);
      }, true],
      ['sf-passkey', async () => assert.equal(await store().passkeys.add(passkey('sf-passkey-c', 'sf-passkey')), true), true],
    ] as const;
    for (const [id, enrol, expected] of cases) {
      await store().users.insert(aUser(id, `login-${id}`));
      await enrol();
      await store().sessions.insert(aSession(`session-${id}`, { userId: id }));
      const read = await store().sessions.getWithUserAndConsent(`session-${id}`, 'wc.app');
      assert.equal(read!.user!.hasSecondFactor, expected, id);
      assert.deepEqual(read!.user, await store().users.getById(id), id);
    }
  });

  it('a NUL or a lone surrogate in the id hash or the client id finds nothing and does not throw', async () => {
    await store().users.insert(aUser('hi-u1', 'hi-alice'));
    await store().sessions.insert(aSession('hostile', { userId: 'hi-u1' }));
    await store().consents.grant('hi-u1', 'hostile', ['read'], 1_000);
    assert.ok(await store().sessions.getWithUserAndConsent('hostile', 'hostile'), 'the records hostile lookups must not reach are there');
    for (const bad of ['hostile\u0000', 'hostile\ud800', 'hostile\udc00']) {
      assert.equal(await store().sessions.getWithUserAndConsent(bad, 'hostile'), undefined);
      assert.equal(await store().sessions.getWithUserAndConsent('hostile', bad), undefined);
    }
  });
});

function totp(id: string, userId: string) {
  return { id, userId, secret: `sealed-${id}`, createdAt: 1_000, confirmedAt: null, lastUsedStep: null };
}

function passkey(id: string, userId: string) {
  return { id, userId, publicKey: `pk-${id}`, counter: 0, transports: ['internal'], backedUp: false, name: `key ${id}`, createdAt: 1_000, lastUsedAt: null };
}
