import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import type { TotpCredential } from '../../src/domain/second-factor.js';
import { aUser, race, useStores, wins } from './support.js';

const totp = (id: string, userId: string, fields: Partial<TotpCredential> = {}): TotpCredential => ({
  id, userId, secret: `sealed-${id}`, createdAt: 1_000, confirmedAt: null, lastUsedStep: null, ...fields,
});

/** SecondFactorsStore: TOTP enrolment and replay protection, recovery codes used once, reset. */
describeEachDatabase('store contract: second factors', (database, kind) => {
  const { store, other } = useStores(database);
  const user = async (id: string) => store().users.insert(aUser(id, `login-${id}`));

  it('a pending TOTP credential is found only as pending, for its user; a new one replaces an older pending one', async () => {
    await user('u1');
    await store().secondFactors.addPendingTotp(totp('t1', 'u1'));
    assert.deepEqual(await store().secondFactors.pendingTotp('u1', 't1'), totp('t1', 'u1'));
    assert.equal(await store().secondFactors.pendingTotp('someone-else', 't1'), undefined);
    assert.equal(await store().secondFactors.confirmedTotp('u1'), undefined);
    await store().secondFactors.addPendingTotp(totp('t2', 'u1'));
    assert.equal(await store().secondFactors.pendingTotp('u1', 't1'), undefined);
  });

  it('confirming replaces the confirmed credential, once, and records the first step', async () => {
    await user('u2');
    await store().secondFactors.addPendingTotp(totp('old', 'u2'));
    assert.equal(await store().secondFactors.confirmTotp('u2', 'old', 100, 5_000), true);
    await store().secondFactors.addPendingTotp(totp('new', 'u2'));
    assert.equal((await store().secondFactors.confirmedTotp('u2'))!.id, 'old', 'the old app works until the new one is confirmed');
    const confirms = await race(6, () => store().secondFactors.confirmTotp('u2', 'new', 200, 6_000));
    assert.equal(wins(confirms), 1);
    assert.deepEqual(await store().secondFactors.confirmedTotp('u2'), totp('new', 'u2', { confirmedAt: 6_000, lastUsedStep: 200 }));
  });

  it('a time step is accepted once and never an earlier one (RFC 6238 5.2), even raced across two stores', async () => {
    await user('u3');
    await store().secondFactors.addPendingTotp(totp('t3', 'u3'));
    await store().secondFactors.confirmTotp('u3', 't3', 10, 1_000);
    assert.equal(await store().secondFactors.useTotpStep('t3', 10), false, 'the enrolment code cannot sign in');
    const nodes = kind === 'postgres' ? [store(), other()] : [store()];
    const uses = await race(10, (i) => nodes[i % nodes.length]!.secondFactors.useTotpStep('t3', 11));
    assert.equal(wins(uses), 1);
    assert.equal(await store().secondFactors.useTotpStep('t3', 9), false);
    assert.equal(await store().secondFactors.useTotpStep('t3', 12), true);
  });

  it('an unconfirmed credential accepts no step', async () => {
    await user('u4');
    await store().secondFactors.addPendingTotp(totp('t4', 'u4'));
    assert.equal(await store().secondFactors.useTotpStep('t4', 1), false);
  });

  it('recovery codes: a new set replaces the old, each is used once (raced), only by its user', async () => {
    await user('u5');
    await user('u6');
    await store().secondFactors.replaceRecoveryCodes('u5', ['h1', 'h2', 'h3'], 1_000);
    await store().secondFactors.replaceRecoveryCodes('u6', ['h9'], 1_000);
    assert.equal(await store().secondFactors.recoveryCodesLeft('u5'), 3);
    assert.equal(await store().secondFactors.useRecoveryCode('u6', 'h1', 2_000), false, "another user's code");
    const nodes = kind === 'postgres' ? [store(), other()] : [store()];
    assert.equal(wins(await race(8, (i) => nodes[i % nodes.length]!.secondFactors.useRecoveryCode('u5', 'h1', 2_000))), 1);
    assert.equal(await store().secondFactors.recoveryCodesLeft('u5'), 2);
    await store().secondFactors.replaceRecoveryCodes('u5', ['h4'], 3_000);
    assert.equal(await store().secondFactors.useRecoveryCode('u5', 'h2', 4_000), false, 'the old set stopped working');
    assert.equal(await store().secondFactors.recoveryCodesLeft('u5'), 1);
  });

  it("removeAll removes the user's TOTP and recovery codes and nobody else's", async () => {
    await user('u7');
    await user('u8');
    await store().secondFactors.addPendingTotp(totp('t7', 'u7'));
    await store().secondFactors.confirmTotp('u7', 't7', 1, 1);
    await store().secondFactors.replaceRecoveryCodes('u7', ['r7a', 'r7b'], 1);
    await store().secondFactors.replaceRecoveryCodes('u8', ['r8'], 1);
    assert.equal(await store().secondFactors.removeAll('u7'), 3);
    assert.equal(await store().secondFactors.confirmedTotp('u7'), undefined);
    assert.equal(await store().secondFactors.recoveryCodesLeft('u7'), 0);
    assert.equal(await store().secondFactors.recoveryCodesLeft('u8'), 1);
  });
});
