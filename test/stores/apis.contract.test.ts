import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aSecret, useStores } from './support.js';
import type { RegisteredApi } from '../../src/domain/registered-api.js';
import { isUniqueViolation } from '../../src/stores/unique-violation.js';

const anApi = (audience: string, scopes: string[], fields: Partial<RegisteredApi> = {}): RegisteredApi => ({
  audience,
  displayName: `API ${audience}`,
  scopes,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  ...fields,
});

/** ApisStore: registered APIs own their scopes exclusively; secrets are hashes. */
describeEachDatabase('store contract: registered APIs', (database) => {
  const { store } = useStores(database);

  it('insert, get, list, update and delete an API with its scopes and secrets', async () => {
    await store().apis.insert(anApi('https://erp.example.com/api', ['erp.write', 'erp.read']), [aSecret('s1', 'https://erp.example.com/api')]);
    await store().apis.insert(anApi('billing', ['bill.read']), []);
    assert.deepEqual(await store().apis.get('https://erp.example.com/api'), anApi('https://erp.example.com/api', ['erp.read', 'erp.write']));
    assert.deepEqual((await store().apis.list()).map((a) => a.audience), ['billing', 'https://erp.example.com/api']);
    assert.deepEqual((await store().apis.listSecrets('https://erp.example.com/api')).map((s) => s.id), ['s1']);
    assert.deepEqual(await store().apis.audiencesOf(['erp.read', 'bill.read', 'openid', 'nothing']), ['billing', 'https://erp.example.com/api']);
    assert.deepEqual(await store().apis.registered(['billing', 'erp-api', 'nul\u0000']), ['billing']);
    assert.deepEqual([...(await store().apis.owners(['erp.read', 'x']))], [['erp.read', 'https://erp.example.com/api']]);

    assert.equal(await store().apis.update(anApi('billing', ['bill.read', 'bill.write'], { displayName: 'Billing', updatedAt: 2 })), true);
    assert.deepEqual((await store().apis.get('billing'))?.scopes, ['bill.read', 'bill.write']);
    assert.equal(await store().apis.update(anApi('missing', [])), false);

    assert.equal(await store().apis.revokeSecret('https://erp.example.com/api', 's1', 5), true);
    assert.equal(await store().apis.revokeSecret('https://erp.example.com/api', 's1', 6), false);
    assert.equal(await store().apis.delete('https://erp.example.com/api'), true);
    assert.equal(await store().apis.get('https://erp.example.com/api'), undefined);
    assert.deepEqual(await store().apis.listSecrets('https://erp.example.com/api'), []);
    assert.deepEqual(await store().apis.audiencesOf(['erp.read']), [], 'its scopes are free again');
  });

  it('a scope belongs to one API: a second owner is a unique violation and nothing is written', async () => {
    await store().apis.insert(anApi('one', ['shared']), []);
    await assert.rejects(store().apis.insert(anApi('two', ['own', 'shared']), []), (error) => isUniqueViolation(error));
    assert.equal(await store().apis.get('two'), undefined);
    assert.deepEqual(await store().apis.audiencesOf(['own']), []);
  });
});
