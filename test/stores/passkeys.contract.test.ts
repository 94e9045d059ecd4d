import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import type { PasskeyCredential } from '../../src/domain/passkey.js';
import { aUser, race, useStores, wins } from './support.js';

const passkey = (id: string, userId: string, fields: Partial<PasskeyCredential> = {}): PasskeyCredential => ({
  id, userId, publicKey: `pk-${id}`, counter: 0, transports: ['internal', 'hybrid'], backedUp: false, name: `key ${id}`,
  createdAt: 1_000, lastUsedAt: null, ...fields,
});

/** PasskeysStore: credentials per user, counters that only move forward, challenges answered once. */
describeEachDatabase('store contract: passkeys', (database, kind) => {
  const { store, other } = useStores(database);
  const user = async (id: string) => store().users.insert(aUser(id, `login-${id}`));
  const nodes = () => (kind === 'postgres' ? [store(), other()] : [store()]);

  it('a credential is stored as given, listed for its user only, and a credential id is registered once (to anyone)', async () => {
    await user('p1');
    await user('p2');
    assert.equal(await store().passkeys.add(passkey('c1', 'p1', { backedUp: true })), true);
    assert.equal(await store().passkeys.add(passkey('c2', 'p1', { createdAt: 2_000 })), true);
    assert.deepEqual(await store().passkeys.get('c1'), passkey('c1', 'p1', { backedUp: true }));
    assert.deepEqual((await store().passkeys.listForUser('p1')).map((c) => c.id), ['c1', 'c2']);
    assert.equal(await store().passkeys.countForUser('p1'), 2);
    assert.deepEqual(await store().passkeys.listForUser('p2'), []);
    assert.equal(await store().passkeys.add(passkey('c1', 'p2')), false, 'the same credential id for another user');
    assert.equal((await store().passkeys.get('c1'))!.userId, 'p1');
    assert.equal((await store().users.getById('p1'))!.hasSecondFactor, true, 'a passkey is a second factor');
    assert.equal((await store().users.getById('p2'))!.hasSecondFactor, false);
  });

  it('rename and remove touch only the owner’s credential', async () => {
    await user('p3');
    await user('p4');
    await store().passkeys.add(passkey('c3', 'p3'));
    assert.equal(await store().passkeys.rename('p4', 'c3', 'stolen'), false);
    assert.equal(await store().passkeys.remove('p4', 'c3'), false);
    assert.equal(await store().passkeys.rename('p3', 'c3', 'Laptop'), true);
    assert.equal((await store().passkeys.get('c3'))!.name, 'Laptop');
    assert.equal(await store().passkeys.remove('p3', 'c3'), true);
    assert.equal(await store().passkeys.get('c3'), undefined);
    assert.equal(await store().passkeys.remove('p3', 'c3'), false);
  });

  it('a use moves the counter forward once (raced across two stores); a counter going back is refused', async () => {
    await user('p5');
    await store().passkeys.add(passkey('c5', 'p5', { counter: 10 }));
    const uses = await race(8, (i) => nodes()[i % nodes().length]!.passkeys.recordUse('c5', 10, 11, 5_000));
    assert.equal(wins(uses), 1);
    assert.deepEqual(await store().passkeys.get('c5'), passkey('c5', 'p5', { counter: 11, lastUsedAt: 5_000 }));
    assert.equal(await store().passkeys.recordUse('c5', 11, 11, 6_000), false, 'the same counter again');
    assert.equal(await store().passkeys.recordUse('c5', 11, 3, 6_000), false, 'a counter going back (a cloned key)');
    assert.equal(await store().passkeys.recordUse('c5', 11, 12, 6_000), true);
  });

  it('an authenticator without a counter (always 0) records every use', async () => {
    await user('p6');
    await store().passkeys.add(passkey('c6', 'p6'));
    assert.equal(await store().passkeys.recordUse('c6', 0, 0, 1), true);
    assert.equal(await store().passkeys.recordUse('c6', 0, 0, 2), true);
    assert.equal((await store().passkeys.get('c6'))!.lastUsedAt, 2);
  });

  it('a challenge is consumed once (raced across two stores), only for its purpose and binding, only before it expires', async () => {
    const challenge = { challengeHash: 'h1', purpose: 'authenticate' as const, binding: 'interaction:i1', userId: null, expiresAt: 10_000 };
    await store().passkeys.saveChallenge(challenge);
    assert.equal(await store().passkeys.consumeChallenge('h1', 'register', 'interaction:i1', 1_000), undefined, 'another purpose');
    assert.equal(await store().passkeys.consumeChallenge('h1', 'authenticate', 'interaction:i2', 1_000), undefined, 'another binding');
    const consumed = await race(8, (i) => nodes()[i % nodes().length]!.passkeys.consumeChallenge('h1', 'authenticate', 'interaction:i1', 1_000));
    assert.equal(consumed.filter((c) => c !== undefined).length, 1);
    assert.deepEqual(consumed.find((c) => c !== undefined), challenge);
    assert.equal(await store().passkeys.consumeChallenge('h1', 'authenticate', 'interaction:i1', 1_000), undefined, 'used');

    await store().passkeys.saveChallenge({ ...challenge, challengeHash: 'h2', userId: 'someone' });
    assert.equal(await store().passkeys.consumeChallenge('h2', 'authenticate', 'interaction:i1', 10_000), undefined, 'expired');
    assert.equal(await store().passkeys.pruneChallenges(10_000, 100), 1);
    assert.equal(await store().passkeys.pruneChallenges(10_000, 100), 0);
  });

  it('hostile identifiers are simply not found', async () => {
    assert.equal(await store().passkeys.get('a\u0000b'), undefined);
    assert.equal(await store().passkeys.get('\ud800'), undefined);
    assert.equal(await store().passkeys.remove('p1', '\ud800'), false);
    assert.equal(await store().passkeys.consumeChallenge('h', 'authenticate', 'interaction:\u0000', 1), undefined);
  });

  it('deleting a user removes their passkeys; mfa reset (removeAll) removes them too', async () => {
    await user('p7');
    await store().passkeys.add(passkey('c7', 'p7'));
    await store().passkeys.add(passkey('c8', 'p7'));
    assert.equal(await store().secondFactors.removeAll('p7'), 2);
    assert.deepEqual(await store().passkeys.listForUser('p7'), []);
  });
});
