import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startErpApi, type RunningErpApi } from '../../examples/erp-api/server.js';
import { FakeIssuer, newKey, type SigningKeyPair } from '../resource-server/fake-issuer.js';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const CAROL = '33333333-3333-4333-8333-333333333333';

describe('examples/erp-api: scopes, per-user data, CORS', () => {
  const issuer = new FakeIssuer();
  let key: SigningKeyPair;
  let api: RunningErpApi;

  before(async () => {
    await issuer.start();
    key = await newKey('k');
    issuer.published = [key];
    api = await startErpApi({
      issuer: issuer.issuer,
      audience: 'erp-api',
      databasePath: ':memory:',
      corsOrigins: ['http://127.0.0.1:5173'],
      port: 0,
      host: '127.0.0.1',
    });
  });
  after(async () => {
    await api.close();
    await issuer.stop();
  });

  const token = (sub: string, scope: string, kind = 'internal') =>
    issuer.sign(key, { claims: { sub, scope, user_kind: kind } });
  const call = async (method: string, path: string, bearer?: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });

  it('GET needs a token: 401 with a bare Bearer challenge', async () => {
    const res = await call('GET', '/api/customers');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="erp-api"');
  });

  it('GET with scope read lists the customers', async () => {
    const res = await call('GET', '/api/customers', await token(ALICE, 'read'));
    assert.equal(res.status, 200);
    const customers = (await res.json()) as Array<{ name: string }>;
    assert.deepEqual(customers.map((c) => c.name), ['Contoso Pharmaceuticals', 'Fabrikam Furniture', 'Northwind Traders']);
  });

  it('POST with only read is refused: 403 insufficient_scope scope="update"', async () => {
    const res = await call('POST', '/api/customers', await token(ALICE, 'read'), { name: 'Tailspin Toys' });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate')!, /error="insufficient_scope".*scope="update"$/);
  });

  it('an expired token is refused with 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await issuer.sign(key, { claims: { sub: ALICE, scope: 'read', iat: now - 4000, nbf: now - 4000, exp: now - 400 } });
    const res = await call('GET', '/api/sales-orders', expired);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="erp-api", error="invalid_token", error_description="the access token has expired"');
  });

  it('sales orders belong to the user who created them', async () => {
    const aliceWrite = await token(ALICE, 'read update');
    const customers = (await (await call('GET', '/api/customers', aliceWrite)).json()) as Array<{ id: string }>;
    const created = await call('POST', '/api/sales-orders', aliceWrite, { customerId: customers[0]!.id, description: '12 chairs', amountCents: 119900 });
    assert.equal(created.status, 201);
    const order = (await created.json()) as { id: string; number: string; status: string; currency: string };
    assert.match(order.number, /^SO-\d{5}$/);
    assert.equal(order.status, 'draft');
    assert.equal(order.currency, 'EUR');

    const aliceList = (await (await call('GET', '/api/sales-orders', await token(ALICE, 'read'))).json()) as Array<{ id: string }>;
    assert.deepEqual(aliceList.map((o) => o.id), [order.id]);
    const bobRead = await token(BOB, 'read update');
    assert.deepEqual(await (await call('GET', '/api/sales-orders', bobRead)).json(), []);
    assert.equal((await call('GET', `/api/sales-orders/${order.id}`, bobRead)).status, 404);
    assert.equal((await call('DELETE', `/api/sales-orders/${order.id}`, bobRead)).status, 404);
    assert.equal(
      (await call('PUT', `/api/sales-orders/${order.id}`, bobRead, { customerId: customers[0]!.id, description: 'x', amountCents: 1 })).status,
      404,
    );

    const updated = await call('PUT', `/api/sales-orders/${order.id}`, aliceWrite, {
      customerId: customers[0]!.id, description: '12 chairs', amountCents: 119900, status: 'confirmed',
    });
    assert.equal(updated.status, 200);
    assert.equal(((await updated.json()) as { status: string }).status, 'confirmed');
    assert.equal((await call('DELETE', `/api/sales-orders/${order.id}`, aliceWrite)).status, 204);
    assert.equal((await call('GET', `/api/sales-orders/${order.id}`, aliceWrite)).status, 404);
  });

  it('community users see only their own orders and no company records', async () => {
    const carol = await token(CAROL, 'read update', 'community');
    assert.equal((await call('GET', '/api/sales-orders', carol)).status, 200);
    const customers = await call('GET', '/api/customers', carol);
    assert.equal(customers.status, 403);
    assert.deepEqual(await customers.json(), { error: 'forbidden', error_description: 'only internal users may do this' });
  });

  it('rejects invalid bodies with 400 and unknown customers with 422, never 5xx', async () => {
    const write = await token(ALICE, 'read update');
    assert.equal((await call('POST', '/api/customers', write, { name: '' })).status, 400);
    assert.equal((await call('POST', '/api/sales-orders', write, { customerId: 'nope', description: 'x', amountCents: 1 })).status, 400);
    assert.equal((await call('POST', '/api/sales-orders', write, { customerId: BOB, description: 'x', amountCents: -1 })).status, 400);
    const unknown = await call('POST', '/api/sales-orders', write, { customerId: BOB, description: 'x', amountCents: 1 });
    assert.equal(unknown.status, 422);
    const broken = await fetch(`${api.url}/api/customers`, { method: 'POST', headers: { authorization: `Bearer ${write}`, 'content-type': 'application/json' }, body: '{' });
    assert.equal(broken.status, 400);
    assert.equal((await call('GET', '/api/customers/not-a-uuid', write)).status, 400);
  });

  it('CORS: the configured origin may call the API from a browser, others may not', async () => {
    const preflight = await fetch(`${api.url}/api/sales-orders`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5173');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const foreign = await fetch(`${api.url}/api/sales-orders`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const refused = await call('GET', '/api/customers', undefined, undefined, { origin: 'http://127.0.0.1:5173' });
    assert.equal(refused.headers.get('access-control-expose-headers'), 'WWW-Authenticate');
  });
});
