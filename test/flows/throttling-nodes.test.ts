import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestUser } from '../support/fixtures.js';
import { FAST_ARGON2, startSignInServer, submit, type SignInServer } from './authorize-support.js';
import { loginPage, tally, TestBrowser } from './throttling-support.js';
import { DEFAULT_THROTTLE_POLICY as policy } from '../../src/domain/throttle.js';

/**
 * Two nodes share one PostgreSQL database: 100 simultaneous wrong guesses for one account from one
 * source, spread over both, check no more passwords than the limit allows.
 */
describe('sign-in throttling across two nodes sharing PostgreSQL', { skip: postgresSkipReason() }, () => {
  let database: TestDatabase;
  let first: SignInServer;
  let second: TestServer;
  before(async () => {
    database = await createTestDatabase('postgres');
    first = await startSignInServer(database.url);
    second = await startTestServer({ databaseUrl: database.url, env: { ...FAST_ARGON2, INSTANCE_NAME: 'Acme ERP' } });
    await createTestUser(first.app.ctx, { login: 'shared' });
  });
  after(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('100 simultaneous wrong guesses on two nodes: exactly the limit are checked', async () => {
    const browsers = Array.from({ length: 100 }, () => new TestBrowser({ sourceAddress: '127.0.0.50' }));
    const pages: string[] = [];
    for (const browser of browsers) pages.push(await loginPage(first, browser));
    // every other login form goes to the second node (interactions live in the shared store; cookies are
    // not port-specific in a real browser, so the interaction cookie goes along)
    browsers.forEach((browser, i) => {
      if (i % 2 === 1) browser.setCookie(second.origin, 'tg_interaction', browser.cookie('tg_interaction')!, '/id');
    });
    const statuses = await Promise.all(
      browsers.map((browser, i) =>
        submit(browser, i % 2 === 0 ? first.origin : second.origin, pages[i]!, '/login', { login: 'shared', password: 'wrong, and at once' })
          .then((res) => res.status),
      ),
    );
    assert.deepEqual(tally(statuses), { 401: policy.accountSourceLimit, 429: 100 - policy.accountSourceLimit });
  });
});
