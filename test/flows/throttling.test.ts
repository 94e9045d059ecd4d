import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { createTestUser } from '../support/fixtures.js';
import { PASSWORD, redirectParams, startSignInServer, type SignInServer } from './authorize-support.js';
import { attempt, attempts, captureLog, loginPage, sendLogin, tally, TestBrowser } from './throttling-support.js';
import { UserService } from '../../src/admin/user-service.js';
import { DEFAULT_THROTTLE_POLICY as policy } from '../../src/domain/throttle.js';

const WRONG = 'not the password at all';

describeEachDatabase('sign-in throttling: counted before the password is checked, never turned on the owner', (database) => {
  let server: SignInServer;
  let log: Record<string, unknown>[];
  before(async () => {
    server = await startSignInServer(database().url);
    log = captureLog(server);
    for (const login of ['victim', 'target', 'racer', 'dana']) await createTestUser(server.app.ctx, { login });
  });
  after(async () => server?.close());

  it('an account from one source: five guesses are checked, then even the right password is refused unchecked', async () => {
    const attacker = () => new TestBrowser({ sourceAddress: '127.0.0.2' });
    for (let i = 1; i <= policy.accountSourceLimit; i++) {
      assert.equal((await attempt(server, attacker(), 'target', WRONG)).status, 401, `guess ${i} is checked`);
    }
    const refused = await attempt(server, attacker(), 'target', PASSWORD);
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /Too many failed sign-in attempts\. Try again in 15 minutes, or sign in from a device you have used before\./);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    const throttled = log.find((l) => l.event === 'login_throttled' && l.source === '127.0.0.2');
    assert.equal(throttled?.limit, 'account_source');
    assert.ok(!JSON.stringify(log).includes(WRONG) && !JSON.stringify(log).includes(PASSWORD), 'no password is logged');
    // the owner, from elsewhere, is not affected
    const owner = await attempt(server, new TestBrowser({ sourceAddress: '127.0.0.3' }), 'target', PASSWORD);
    assert.ok(redirectParams(owner, 'https://tool.example.com/cb').get('code'));
  });

  it('100 simultaneous wrong guesses from one source: exactly the limit are checked, the rest refused', async () => {
    const browsers = Array.from({ length: 100 }, () => new TestBrowser({ sourceAddress: '127.0.0.4' }));
    const pages: string[] = [];
    for (const browser of browsers) pages.push(await loginPage(server, browser));
    const statuses = await Promise.all(browsers.map((browser, i) => sendLogin(server, browser, pages[i]!, 'racer', WRONG).then((r) => r.status)));
    assert.deepEqual(tally(statuses), { 401: policy.accountSourceLimit, 429: 100 - policy.accountSourceLimit });
  });

  it("an attacker's 300 guesses from one source neither stop the owner's browser nor delay the owner elsewhere", async () => {
    const ownersBrowser = new TestBrowser({ sourceAddress: '127.0.0.5' });
    assert.equal((await attempt(server, ownersBrowser, 'victim', PASSWORD)).status, 303, 'the owner signed in here before');
    const statuses = await attempts(300, 50, () => attempt(server, new TestBrowser({ sourceAddress: '127.0.0.6' }), 'victim', `${WRONG} ${Math.random()}`));
    assert.deepEqual(tally(statuses), { 401: policy.accountSourceLimit, 429: 300 - policy.accountSourceLimit });
    const again = await attempt(server, ownersBrowser, 'victim', PASSWORD);
    assert.ok(redirectParams(again, 'https://tool.example.com/cb').get('code'), 'the browser with the device cookie signs in');
    const elsewhere = await attempt(server, new TestBrowser({ sourceAddress: '127.0.0.7' }), 'victim', PASSWORD);
    assert.equal(elsewhere.status, 303, 'a new browser at another address signs in');
    const delays = log.filter((l) => l.event === 'login_delayed' && l.source === '127.0.0.7');
    assert.deepEqual(delays, [], 'and is not slowed down: the attacker reached only their own counters');
  });

  it('counters live in the store: failures are counted, a success resets this source and refunds the shared ones', async () => {
    const browser = new TestBrowser({ sourceAddress: '127.0.0.8' });
    for (let i = 0; i < 3; i++) assert.equal((await attempt(server, browser, 'dana', WRONG)).status, 401);
    const keys = ['as:dana|127.0.0.8', 's:127.0.0.8', 'a:dana'];
    const counts = async () => Object.fromEntries((await server.app.ctx.store.throttles.get(keys)).map((c) => [c.key, c.count]));
    assert.deepEqual(await counts(), { 'as:dana|127.0.0.8': 3, 's:127.0.0.8': 3, 'a:dana': 3 });
    assert.equal((await attempt(server, browser, 'DANA', PASSWORD)).status, 303);
    assert.deepEqual(await counts(), { 's:127.0.0.8': 3, 'a:dana': 3 });
  });

  it('unknown logins are counted like real ones (the answers do not tell them apart)', async () => {
    const browser = () => new TestBrowser({ sourceAddress: '127.0.0.9' });
    for (let i = 0; i < policy.accountSourceLimit; i++) assert.equal((await attempt(server, browser(), 'ghost', WRONG)).status, 401);
    assert.equal((await attempt(server, browser(), 'ghost', WRONG)).status, 429);
  });
});

describeEachDatabase('sign-in throttling: sources, distributed attacks, device cookies', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url, {
      THROTTLE_ACCOUNT_SOURCE_LIMIT: '2',
      THROTTLE_SOURCE_LIMIT: '4',
      THROTTLE_ACCOUNT_LIMIT: '6',
      THROTTLE_DEVICE_LIMIT: '3',
    });
    for (const login of ['owner', 'sprayed', 'mallory', 'careless']) await createTestUser(server.app.ctx, { login });
  });
  after(async () => server?.close());

  it('password spraying from one source is stopped for new browsers there; the source\'s known browsers still sign in', async () => {
    const regular = new TestBrowser({ sourceAddress: '127.0.0.21' });
    assert.equal((await attempt(server, regular, 'sprayed', PASSWORD)).status, 303);
    const sprayer = () => new TestBrowser({ sourceAddress: '127.0.0.21' });
    for (let i = 0; i < 4; i++) assert.equal((await attempt(server, sprayer(), `account-${i}`, WRONG)).status, 401);
    const refused = await attempt(server, sprayer(), 'sprayed', PASSWORD);
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /Too many failed sign-in attempts from your network\./);
    assert.equal((await attempt(server, regular, 'sprayed', PASSWORD)).status, 303, 'the device cookie is not subject to the source limit');
    assert.equal((await attempt(server, new TestBrowser({ sourceAddress: '127.0.0.22' }), 'sprayed', PASSWORD)).status, 303);
  });

  it('a distributed attack shuts out new browsers for the account, not the owner\'s browser; unlock clears it', async () => {
    const owners = new TestBrowser({ sourceAddress: '127.0.0.30' });
    assert.equal((await attempt(server, owners, 'owner', PASSWORD)).status, 303);
    const statuses: number[] = [];
    for (let s = 31; s <= 34; s++) {
      for (let i = 0; i < 2; i++) statuses.push((await attempt(server, new TestBrowser({ sourceAddress: `127.0.0.${s}` }), 'owner', WRONG)).status);
    }
    assert.deepEqual(tally(statuses), { 401: 6, 429: 2 }, 'the account-wide limit counts guesses from every source');
    const stranger = await attempt(server, new TestBrowser({ sourceAddress: '127.0.0.35' }), 'owner', PASSWORD);
    assert.equal(stranger.status, 429);
    assert.match(await stranger.text(), /Too many failed sign-in attempts for this account\. Sign in from a device you have used before/);
    assert.equal((await attempt(server, owners, 'owner', PASSWORD)).status, 303, "the owner's browser is not shut out");
    const { cleared } = await new UserService(server.app.ctx).unlock('owner');
    assert.ok(cleared >= 5, `cleared ${cleared}`);
    assert.equal((await attempt(server, new TestBrowser({ sourceAddress: '127.0.0.35' }), 'owner', PASSWORD)).status, 303);
  });

  it("a device cookie counts only for its own user, and only when it is one the server issued", async () => {
    const mallorys = new TestBrowser({ sourceAddress: '127.0.0.40' });
    assert.equal((await attempt(server, mallorys, 'mallory', PASSWORD)).status, 303, 'mallory has a device cookie for herself');
    for (let i = 0; i < 2; i++) assert.equal((await attempt(server, mallorys, 'careless', WRONG)).status, 401);
    assert.equal((await attempt(server, mallorys, 'careless', WRONG)).status, 429, "mallory's cookie does not exempt her for careless");
    const cookie = mallorys.cookie('tg_device')!;
    const careless = (await server.app.ctx.store.users.getByLogin('careless'))!;
    const forged = cookie.replace(/^[0-9a-f-]{36}/, careless.id);
    const forger = new TestBrowser({ sourceAddress: '127.0.0.40' });
    forger.setCookie(server.origin, 'tg_device', forged, '/id');
    assert.equal((await attempt(server, forger, 'careless', WRONG)).status, 429, 'a cookie with a forged user id is not trusted');
  });

  it('a device cookie stops exempting its browser after too many failures through it', async () => {
    const browser = new TestBrowser({ sourceAddress: '127.0.0.41' });
    await createTestUser(server.app.ctx, { login: 'forgetful' });
    assert.equal((await attempt(server, browser, 'forgetful', PASSWORD)).status, 303);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(server, browser, 'forgetful', WRONG)).status);
    // 3 through the device cookie, then 2 as an untrusted browser from this source, then refused
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  });
});

describe('TRUST_PROXY: only trusted proxies say who the client is', () => {
  /** Four guesses from one client that forges X-Forwarded-For each time; `source`: the address they must count against. */
  async function forgedFromOneClient(env: Record<string, string>, source: string): Promise<void> {
    const { createTestDatabase } = await import('../support/databases.js');
    const db = await createTestDatabase('sqlite');
    const server = await startSignInServer(db.url, { THROTTLE_ACCOUNT_SOURCE_LIMIT: '2', ...env });
    try {
      await createTestUser(server.app.ctx, { login: 'proxied' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        // the client forges the first entry each time; a proxy in front would append the address it saw
        const browser = new TestBrowser({ headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.7` } });
        statuses.push((await attempt(server, browser, 'proxied', WRONG)).status);
      }
      assert.deepEqual(statuses, [401, 401, 429, 429]);
      const [counter] = await server.app.ctx.store.throttles.get([`as:proxied|${source}`]);
      assert.equal(counter?.count, 4, `counted against ${source}`);
    } finally {
      await server.close();
      await db.drop();
    }
  }

  it('one trusted hop: the address the proxy saw counts, the forged part moves nothing', async () => {
    await forgedFromOneClient({ TRUST_PROXY: '1' }, '198.51.100.7');
  });

  it('TRUST_PROXY=true is one hop, never "every hop"', async () => {
    await forgedFromOneClient({ TRUST_PROXY: 'true' }, '198.51.100.7');
  });

  it('a proxy list that includes the peer: the address that proxy saw counts', async () => {
    await forgedFromOneClient({ TRUST_PROXY: '10.0.0.1,127.0.0.1' }, '198.51.100.7');
  });

  it('a proxy list that does not include the peer: the header is ignored', async () => {
    await forgedFromOneClient({ TRUST_PROXY: '10.0.0.1,192.168.0.0/16' }, '127.0.0.1');
  });

  it('no proxy: the header is ignored', async () => {
    await forgedFromOneClient({}, '127.0.0.1');
  });
});
