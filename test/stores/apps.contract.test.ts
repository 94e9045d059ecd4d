import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aCode, aFamily, aSecret, aToken, anApp, anInteraction, race, useStores, wins } from './support.js';

/** AppsStore: apps with their secrets; insert, update and delete are atomic. */
describeEachDatabase('store contract: apps', (database) => {
  const { store } = useStores(database);

  it('an app and its secrets round-trip with every field (booleans, lists, nulls, numeric timestamps)', async () => {
    const confidential = anApp('rt-b', { logoutRedirectUris: ['https://rt-b.example.com/bye'], scopes: ['read', 'update', 'erp.admin'] });
    const publicApp = anApp('rt-a', {
      displayName: 'Public «Ä» app',
      clientType: 'public',
      loginRedirectUris: ['com.example.app:/cb'],
      logoutRedirectUris: [],
      allowInternalUsers: false,
      allowCommunityUsers: true,
      scopes: [],
      allowRefreshTokens: false,
      requireConsent: true,
      accessTokenLifetime: 300,
      refreshTokenLifetime: 86_400,
      enabled: false,
      createdAt: 1_700_000_000_011,
      updatedAt: 1_700_000_000_012,
    });
    const full = aSecret('rt-s2', 'rt-b', { createdAt: 1_700_000_000_200, revokedAt: 1_700_000_000_300 });
    const bare = aSecret('rt-s1', 'rt-b', { description: null, expiresAt: null });
    const later = aSecret('rt-s0', 'rt-b', { createdAt: 1_700_000_000_900 });
    await store().apps.insert(confidential, [full, bare, later]);
    await store().apps.insert(publicApp, []);

    assert.deepEqual(await store().apps.get('rt-b'), confidential);
    assert.deepEqual(await store().apps.get('rt-a'), publicApp);
    assert.equal(typeof (await store().apps.get('rt-a'))!.createdAt, 'number');
    assert.deepEqual(await store().apps.listSecrets('rt-b'), [bare, full, later], 'by creation time, then id');
    assert.deepEqual(await store().apps.listSecrets('rt-a'), []);
    const listed = (await store().apps.list()).filter((app) => app.clientId.startsWith('rt-'));
    assert.deepEqual(listed, [publicApp, confidential], 'listed by client id');
    assert.equal(await store().apps.get('rt-c'), undefined);
    assert.deepEqual(await store().apps.listSecrets('rt-c'), []);
  });

  it('a service app round-trips its system user and its client keys (by value and by URL); update clears them', async () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] };
    const service = anApp('svc-rt', { systemUserId: 'user-1', jwks, jwksUri: null });
    const remote = anApp('svc-rt-uri', { systemUserId: null, jwks: null, jwksUri: 'https://svc.example.com/jwks.json' });
    await store().apps.insert(service, []);
    await store().apps.insert(remote, []);
    assert.deepEqual(await store().apps.get('svc-rt'), service);
    assert.deepEqual(await store().apps.get('svc-rt-uri'), remote);
    const cleared = { ...service, systemUserId: null, jwks: null, updatedAt: service.updatedAt + 1 };
    assert.equal(await store().apps.update(cleared), true);
    assert.deepEqual(await store().apps.get('svc-rt'), cleared);
  });

  it('a client id that is already registered is refused and the first app stays', async () => {
    const first = anApp('dup-app');
    await store().apps.insert(first, [aSecret('dup-app-s', 'dup-app')]);
    await assert.rejects(store().apps.insert(anApp('dup-app', { displayName: 'Impostor' }), []));
    assert.deepEqual(await store().apps.get('dup-app'), first);
    assert.deepEqual(await store().apps.listSecrets('dup-app'), [aSecret('dup-app-s', 'dup-app')]);
  });

  it('insert is atomic: a secret that cannot be stored (duplicate id) leaves no app and no other secret', async () => {
    await store().apps.insert(anApp('atomic-a'), [aSecret('taken', 'atomic-a')]);
    await assert.rejects(store().apps.insert(anApp('atomic-b'), [aSecret('fresh', 'atomic-b'), aSecret('taken', 'atomic-b')]));
    assert.equal(await store().apps.get('atomic-b'), undefined);
    assert.deepEqual(await store().apps.listSecrets('atomic-b'), []);
    assert.deepEqual(await store().apps.listSecrets('atomic-a'), [aSecret('taken', 'atomic-a')], 'the owner keeps its secret');
    // nothing of the failed insert remains: the same app with an unused secret id goes in now
    await store().apps.insert(anApp('atomic-b'), [aSecret('fresh', 'atomic-b')]);
    assert.deepEqual(await store().apps.listSecrets('atomic-b'), [aSecret('fresh', 'atomic-b')]);
  });

  it('update replaces every field but createdAt, and is false (nothing written) for an unknown app', async () => {
    await store().apps.insert(anApp('upd'), []);
    const changed = anApp('upd', {
      displayName: 'Renamed', clientType: 'public', loginRedirectUris: ['https://new.example.com/cb'],
      logoutRedirectUris: ['https://new.example.com/bye'], allowInternalUsers: false, allowCommunityUsers: true,
      scopes: ['read'], allowRefreshTokens: false, requireConsent: true, accessTokenLifetime: 60,
      refreshTokenLifetime: 120, enabled: false, createdAt: 5, updatedAt: 1_700_000_009_999,
    });
    assert.equal(await store().apps.update(changed), true);
    assert.deepEqual(await store().apps.get('upd'), { ...changed, createdAt: anApp('upd').createdAt });

    const ghost = anApp('ghost');
    assert.equal(await store().apps.update(ghost), false);
    assert.equal(await store().apps.update(ghost, { revokeSecretsAt: 10, addSecret: aSecret('ghost-s', 'ghost') }), false);
    assert.equal(await store().apps.get('ghost'), undefined);
    assert.deepEqual(await store().apps.listSecrets('ghost'), []);
  });

  it('update with revokeSecretsAt revokes every active secret (not the revoked ones) and adds the new one', async () => {
    const revokedEarlier = aSecret('rs-3', 'rs', { createdAt: 1_700_000_000_103, revokedAt: 1_700_000_000_500 });
    await store().apps.insert(anApp('rs'), [
      aSecret('rs-1', 'rs', { createdAt: 1_700_000_000_101 }),
      aSecret('rs-2', 'rs', { createdAt: 1_700_000_000_102, expiresAt: null }),
      revokedEarlier,
    ]);
    await store().apps.insert(anApp('rs-other'), [aSecret('rs-o', 'rs-other')]);
    const added = aSecret('rs-4', 'rs', { createdAt: 1_700_000_001_000 });
    const app = anApp('rs', { clientType: 'public', updatedAt: 1_700_000_001_000 });
    assert.equal(await store().apps.update(app, { revokeSecretsAt: 1_700_000_000_900, addSecret: added }), true);
    assert.deepEqual(await store().apps.get('rs'), app);
    assert.deepEqual(await store().apps.listSecrets('rs'), [
      aSecret('rs-1', 'rs', { createdAt: 1_700_000_000_101, revokedAt: 1_700_000_000_900 }),
      aSecret('rs-2', 'rs', { createdAt: 1_700_000_000_102, expiresAt: null, revokedAt: 1_700_000_000_900 }),
      revokedEarlier,
      added,
    ]);
    assert.deepEqual(await store().apps.listSecrets('rs-other'), [aSecret('rs-o', 'rs-other')], 'other apps keep theirs');
  });

  it('update with addSecret only adds it; a secret that cannot be stored rolls the whole update back', async () => {
    await store().apps.insert(anApp('ua'), [aSecret('ua-1', 'ua')]);
    assert.equal(await store().apps.update(anApp('ua', { displayName: 'Two' }), { addSecret: aSecret('ua-2', 'ua') }), true);
    assert.deepEqual(await store().apps.listSecrets('ua'), [aSecret('ua-1', 'ua'), aSecret('ua-2', 'ua')]);

    await assert.rejects(
      store().apps.update(anApp('ua', { displayName: 'Three' }), { revokeSecretsAt: 77, addSecret: aSecret('ua-1', 'ua') }),
    );
    assert.equal((await store().apps.get('ua'))!.displayName, 'Two');
    assert.deepEqual(await store().apps.listSecrets('ua'), [aSecret('ua-1', 'ua'), aSecret('ua-2', 'ua')], 'none revoked');
  });

  it('addSecret adds to an app; revokeSecret revokes one active secret of that app once, even when raced', async () => {
    await store().apps.insert(anApp('sec'), []);
    await store().apps.insert(anApp('sec-other'), []);
    await assert.rejects(store().apps.addSecret(aSecret('orphan', 'no-such-app')), 'a secret needs its app');
    await store().apps.addSecret(aSecret('sec-1', 'sec'));
    await store().apps.addSecret(aSecret('sec-2', 'sec', { createdAt: 1_700_000_000_101 }));
    assert.equal(await store().apps.revokeSecret('sec-other', 'sec-1', 50), false, 'not a secret of that app');
    assert.equal(await store().apps.revokeSecret('sec', 'sec-9', 50), false, 'unknown secret');
    const results = await race(20, (i) => store().apps.revokeSecret('sec', 'sec-1', 100 + i));
    assert.equal(wins(results), 1);
    assert.equal(await store().apps.revokeSecret('sec', 'sec-1', 500), false, 'already revoked');
    const [first, second] = await store().apps.listSecrets('sec');
    assert.equal(first!.revokedAt, 100 + results.indexOf(true), 'the winning call set the time');
    assert.deepEqual(second, aSecret('sec-2', 'sec', { createdAt: 1_700_000_000_101 }));
  });

  it('delete revokes the app\'s live families, removes its secrets, consents, unconsumed codes and interactions', async () => {
    const s = store();
    for (const id of ['gone', 'kept']) await s.apps.insert(anApp(id), [aSecret(`${id}-s`, id)]);
    await s.refresh.insertFamily(aFamily('gone-f1', { clientId: 'gone' }), aToken('gone-t1', 'gone-f1'));
    await s.refresh.insertFamily(
      aFamily('gone-f2', { clientId: 'gone', revokedAt: 7, revokedReason: 'reuse' }),
      aToken('gone-t2', 'gone-f2'),
    );
    await s.refresh.insertFamily(aFamily('kept-f', { clientId: 'kept' }), aToken('kept-t', 'kept-f'));
    await s.consents.grant('u1', 'gone', ['read'], 1);
    await s.consents.grant('u1', 'kept', ['read'], 1);
    await s.codes.insert(aCode('gone-open', { clientId: 'gone' }));
    const consumed = aCode('gone-used', { clientId: 'gone', consumedAt: 9, issuedFamilyId: 'gone-f1', issuedAccessJti: 'j', issuedAccessExpiresAt: 99 });
    await s.codes.insert(consumed);
    await s.codes.insert(aCode('kept-open', { clientId: 'kept' }));
    await s.interactions.insert(anInteraction('gone-i', { clientId: 'gone' }));
    await s.interactions.insert(anInteraction('kept-i', { clientId: 'kept' }));

    assert.equal(await s.apps.delete('gone', 1_000), true);

    assert.equal(await s.apps.get('gone'), undefined);
    assert.deepEqual(await s.apps.listSecrets('gone'), []);
    const f1 = (await s.refresh.find('gone-t1'))!.family;
    assert.deepEqual([f1.revokedAt, f1.revokedReason], [1_000, 'app_deleted']);
    const f2 = (await s.refresh.find('gone-t2'))!.family;
    assert.deepEqual([f2.revokedAt, f2.revokedReason], [7, 'reuse'], 'an already revoked family keeps its reason');
    assert.deepEqual(await s.consents.get('u1', 'gone'), []);
    assert.equal(await s.codes.get('gone-open'), undefined);
    assert.deepEqual(await s.codes.get('gone-used'), consumed, 'a consumed code stays (replay detection)');
    assert.equal(await s.interactions.get('gone-i'), undefined);

    assert.deepEqual(await s.apps.get('kept'), anApp('kept'));
    assert.deepEqual(await s.apps.listSecrets('kept'), [aSecret('kept-s', 'kept')]);
    assert.deepEqual((await s.refresh.find('kept-t'))!.family, aFamily('kept-f', { clientId: 'kept' }));
    assert.deepEqual(await s.consents.get('u1', 'kept'), ['read']);
    assert.deepEqual(await s.codes.get('kept-open'), aCode('kept-open', { clientId: 'kept' }));
    assert.deepEqual(await s.interactions.get('kept-i'), anInteraction('kept-i', { clientId: 'kept' }));

    assert.equal(await s.apps.delete('gone', 2_000), false, 'deleting again finds nothing');
    assert.deepEqual((await s.refresh.find('gone-t1'))!.family.revokedAt, 1_000);
    assert.equal(await s.apps.delete('never-registered', 2_000), false);
  });
  it('per-app signing algorithms round-trip (null: SIGNING_ALG); the chosen algorithms and the longest access-token lifetime are listed', async () => {
    const s = store();
    const longest = (await s.apps.longestAccessTokenLifetime()) ?? 0;
    assert.deepEqual(await s.apps.chosenSigningAlgs(), []);
    const both = anApp('alg-both', { idTokenSignedResponseAlg: 'EdDSA', accessTokenSigningAlg: 'ES256', accessTokenLifetime: longest + 600 });
    const idOnly = anApp('alg-id', { idTokenSignedResponseAlg: 'ES256' });
    await s.apps.insert(both, []);
    await s.apps.insert(idOnly, []);
    assert.deepEqual(await s.apps.get('alg-both'), both);
    assert.deepEqual(await s.apps.get('alg-id'), idOnly);
    assert.deepEqual((await s.apps.chosenSigningAlgs()).sort(), ['ES256', 'EdDSA'], 'each once');
    assert.equal(await s.apps.longestAccessTokenLifetime(), longest + 600);
    assert.equal(await s.apps.update(anApp('alg-both', { accessTokenLifetime: 60 })), true);
    assert.deepEqual(await s.apps.chosenSigningAlgs(), ['ES256']);
    assert.equal(await s.apps.longestAccessTokenLifetime(), Math.max(longest, 3600));
    for (const id of ['alg-both', 'alg-id']) await s.apps.delete(id, 1);
  });
});
