import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aSecret, aUser, anApp, anInteraction, useStores } from './support.js';

/**
 * Lookups by an identifier straight from a request resolve to "not found" when it holds a NUL (PostgreSQL
 * refuses it in text) or a lone surrogate (it has no UTF-8 form: a driver would send U+FFFD instead, and
 * find the record stored under that). Records exist under the identifier without the NUL and with U+FFFD
 * in place of the surrogate, so a lookup that reached the database would find them, or fail.
 */
describeEachDatabase('store contract: hostile identifiers', (database) => {
  const { store } = useStores(database);
  const NUL = 'hostile\u0000';
  const LONE_HIGH = 'hostile\ud800';
  const LONE_LOW = 'hostile\udc00';
  const REPLACED = 'hostile\ufffd';

  before(async () => {
    for (const id of ['hostile', REPLACED]) {
      await store().apps.insert(anApp(id), [aSecret(`secret-of-${id}`, id)]);
      await store().users.insert(aUser(id, id));
      await store().interactions.insert(anInteraction(id));
    }
  });

  it('the records that hostile lookups must not reach are there', async () => {
    for (const id of ['hostile', REPLACED]) {
      assert.equal((await store().apps.get(id))!.clientId, id);
      assert.equal((await store().apps.listSecrets(id)).length, 1);
      assert.equal((await store().users.getById(id))!.id, id);
      assert.equal((await store().users.getByLogin(id.toUpperCase()))!.id, id);
      assert.equal((await store().interactions.get(id))!.id, id);
    }
  });

  for (const [name, value] of [['a NUL byte', NUL], ['a lone high surrogate', LONE_HIGH], ['a lone low surrogate', LONE_LOW]] as const) {
    it(`apps.get and apps.listSecrets by a client id with ${name} find nothing`, async () => {
      assert.equal(await store().apps.get(value), undefined);
      assert.deepEqual(await store().apps.listSecrets(value), []);
    });

    it(`users.getById and users.getByLogin with ${name} find nothing`, async () => {
      assert.equal(await store().users.getById(value), undefined);
      assert.equal(await store().users.getByLogin(value), undefined);
      assert.equal(await store().users.getByLogin(value.toUpperCase()), undefined);
    });

    it(`interactions.get by an id with ${name} finds nothing`, async () => {
      assert.equal(await store().interactions.get(value), undefined);
    });
  }
});
