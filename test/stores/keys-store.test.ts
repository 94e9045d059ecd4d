import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { StoredSigningKey } from '../../src/stores/keys.js';
import { migrateToLatest, openDatabase } from '../../src/stores/kysely/open-database.js';
import * as m001 from '../../src/stores/migrations/001-initial.js';

const T = Date.parse('2027-01-01T00:00:00Z');

function key(kid: string, overrides: Partial<StoredSigningKey> = {}): StoredSigningKey {
  return {
    kid,
    alg: 'RS256',
    publicJwk: '{"kty":"RSA","n":"x","e":"AQAB"}',
    privateKey: `-----BEGIN PRIVATE KEY-----\n${kid}\n-----END PRIVATE KEY-----\n`,
    encrypted: false,
    createdAt: T,
    publishFrom: T,
    signFrom: T,
    retiredAt: null,
    publishUntil: null,
    supersedes: `first:${overrides.alg ?? 'RS256'}`,
    ...overrides,
  };
}

describeEachDatabase('store contract: signing keys', (database) => {
  let store: Store;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
  });
  after(async () => store?.close());

  it('adds a key with its stage times and lists keys oldest first', async () => {
    assert.equal(await store.keys.addSuccessor(key('k1')), true);
    const [stored] = await store.keys.list();
    assert.deepEqual(stored, key('k1'));
  });

  it('each key gets one successor: a second successor of the same key (or a second first key) changes nothing', async () => {
    assert.equal(await store.keys.addSuccessor(key('k1-again')), false, 'a second first RS256 key');
    const retire = { at: T + 1000, publishUntil: T + 5000 };
    assert.equal(await store.keys.addSuccessor(key('k2', { createdAt: T + 1, signFrom: T + 1000, supersedes: 'k1' }), retire), true);
    assert.equal(await store.keys.addSuccessor(key('k2-rival', { createdAt: T + 1, signFrom: T + 1000, supersedes: 'k1' }), retire), false);
    const keys = await store.keys.list();
    assert.deepEqual(keys.map((k) => k.kid), ['k1', 'k2']);
    assert.deepEqual([keys[0]!.retiredAt, keys[0]!.publishUntil], [T + 1000, T + 5000], 'the loser retired nothing twice');
  });

  it('concurrent successors of one key: exactly one is added', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.keys.addSuccessor(key(`k3-${i}`, { createdAt: T + 2, signFrom: T + 2000, supersedes: 'k2' }), { at: T + 2000, publishUntil: T + 9000 }),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
    assert.equal((await store.keys.list()).filter((k) => k.supersedes === 'k2').length, 1);
  });

  it('a successor retires the keys of its algorithm that would still sign at its start, and no others', async () => {
    assert.equal(await store.keys.addSuccessor(key('e1', { alg: 'ES256' })), true);
    const before = await store.keys.list();
    const k3 = before.find((k) => k.supersedes === 'k2')!;
    // an emergency key that signs at T + 1500: k2 (retire at T+1000: already done) is untouched, k3 (never retired) is retired
    assert.equal(await store.keys.addSuccessor(key('k4', { createdAt: T + 3, signFrom: T + 1500, supersedes: k3.kid }), { at: T + 1500, publishUntil: T + 7000 }), true);
    const after = new Map((await store.keys.list()).map((k) => [k.kid, k]));
    assert.deepEqual([after.get('k1')!.retiredAt, after.get('k1')!.publishUntil], [T + 1000, T + 5000]);
    assert.deepEqual([after.get('k2')!.retiredAt, after.get('k2')!.publishUntil], [T + 1500, T + 7000], 'k2 would have signed until T+2000');
    assert.deepEqual([after.get(k3.kid)!.retiredAt, after.get(k3.kid)!.publishUntil], [T + 1500, T + 7000]);
    assert.deepEqual([after.get('k4')!.retiredAt, after.get('e1')!.retiredAt], [null, null], 'the new key and other algorithms are untouched');
  });

  it('encrypting a private key happens once: a second (or concurrent) attempt changes nothing', async () => {
    const results = await Promise.all(['envelope-a', 'envelope-b', 'envelope-c'].map((envelope) => store.keys.encryptPrivateKey('k1', envelope)));
    assert.equal(results.filter(Boolean).length, 1);
    const k1 = (await store.keys.list()).find((k) => k.kid === 'k1')!;
    assert.equal(k1.encrypted, true);
    assert.match(k1.privateKey, /^envelope-[abc]$/);
    assert.equal(await store.keys.encryptPrivateKey('k1', 'envelope-d'), false);
    assert.equal(await store.keys.encryptPrivateKey('unknown', 'envelope-e'), false);
  });
});

describeEachDatabase('store contract: apps and their signing algorithms', (database) => {
  let store: Store;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
  });
  after(async () => store?.close());

  const app = (clientId: string, fields: { lifetime: number; id: 'RS256' | 'ES256' | 'EdDSA' | null; access: 'RS256' | 'ES256' | 'EdDSA' | null }) => ({
    clientId, displayName: clientId, clientType: 'public' as const, loginRedirectUris: ['https://a.example/cb'], logoutRedirectUris: [],
    allowInternalUsers: true, allowCommunityUsers: false, scopes: [], allowRefreshTokens: true, requireConsent: true,
    accessTokenLifetime: fields.lifetime, refreshTokenLifetime: 86400, idTokenSignedResponseAlg: fields.id,
    accessTokenSigningAlg: fields.access, enabled: true, createdAt: T, updatedAt: T,
  });

  it('stores the per-app algorithms; lists the chosen ones and the longest access-token lifetime', async () => {
    assert.deepEqual(await store.apps.chosenSigningAlgs(), []);
    assert.equal(await store.apps.longestAccessTokenLifetime(), undefined);
    await store.apps.insert(app('a', { lifetime: 900, id: null, access: null }), []);
    await store.apps.insert(app('b', { lifetime: 7200, id: 'EdDSA', access: 'ES256' }), []);
    await store.apps.insert(app('c', { lifetime: 600, id: 'ES256', access: null }), []);
    assert.deepEqual((await store.apps.get('b'))!, app('b', { lifetime: 7200, id: 'EdDSA', access: 'ES256' }));
    assert.deepEqual((await store.apps.chosenSigningAlgs()).sort(), ['ES256', 'EdDSA']);
    assert.equal(await store.apps.longestAccessTokenLifetime(), 7200);
    assert.equal(await store.apps.update(app('b', { lifetime: 60, id: null, access: null })), true);
    assert.deepEqual(await store.apps.chosenSigningAlgs(), ['ES256']);
    assert.equal(await store.apps.longestAccessTokenLifetime(), 900);
  });
});

describeEachDatabase('migration 006 on a database with keys and apps', (database) => {
  it('keeps existing keys published and signing from their creation, superseding nothing; apps follow SIGNING_ALG', async () => {
    const opened = await openDatabase(database().url);
    try {
      await migrateToLatest(opened.db, { getMigrations: async () => ({ '001-initial': m001 }) });
      const legacy = { alg: 'RS256', public_jwk: '{}', private_key: 'pem', encrypted: 0, retired_at: null, publish_until: null };
      const db = opened.db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
      await db.insertInto('signing_keys').values([
        { ...legacy, kid: 'old', created_at: T, retired_at: T + 10, publish_until: T + 20 },
        { ...legacy, kid: 'new', created_at: T + 10 },
      ]).execute();
      await db.insertInto('trusted_applications').values({
        client_id: 'app', display_name: 'App', client_type: 'public', login_redirect_uris: '[]', logout_redirect_uris: '[]',
        allow_internal_users: 1, allow_community_users: 0, scopes: '', allow_refresh_tokens: 1, require_consent: 1,
        access_token_lifetime: 3600, refresh_token_lifetime: 86400, enabled: 1, created_at: T, updated_at: T,
      }).execute();
      assert.ok((await migrateToLatest(opened.db)).includes('006-key-stages-and-app-algorithms'));
    } finally {
      await opened.close();
    }
    const store = await openStore(database().url);
    try {
      const keys = await store.keys.list();
      assert.deepEqual(
        keys.map((k) => [k.kid, k.publishFrom, k.signFrom, k.supersedes, k.retiredAt]),
        [['old', T, T, 'legacy:old', T + 10], ['new', T + 10, T + 10, 'legacy:new', null]],
      );
      const app = (await store.apps.get('app'))!;
      assert.deepEqual([app.idTokenSignedResponseAlg, app.accessTokenSigningAlg], [null, null]);
    } finally {
      await store.close();
    }
  });
});
