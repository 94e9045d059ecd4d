import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser } from '../support/browser.js';
import { ACCOUNT_THROTTLE, IP_THROTTLE } from '../../src/domain/throttle.js';
import { PASSWORD, openInteraction, redirectParams, startSignInServer, submit, webParams, type SignInServer } from './authorize-support.js';

describeEachDatabase('login throttling: per account and per IP, progressive delay then a logged lock', (database) => {
  let server: SignInServer;
  const logLines: string[] = [];
  before(async () => {
    server = await startSignInServer(database().url);
    // capture the log to check the lock is logged and nothing secret is
    const sink = new Writable({ write: (chunk, _enc, done) => { logLines.push(String(chunk)); done(); } });
    server.app.ctx.log = pino({ level: 'info' }, sink);
  });
  after(async () => server?.close());

  async function attempt(browser: TestBrowser, login: string, password: string): Promise<{ res: Response; ms: number }> {
    const { html } = await openInteraction(browser, server.issuer, webParams({ client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' }));
    const started = Date.now();
    const res = await submit(browser, server.origin, html, '/login', { login, password });
    return { res, ms: Date.now() - started };
  }

  it('failures slow down progressively, then lock the account even for the right password; the lock is logged', async () => {
    const browser = new TestBrowser();
    const timings: number[] = [];
    for (let i = 1; i < ACCOUNT_THROTTLE.lockAfter; i++) {
      const { res, ms } = await attempt(browser, 'alice', `wrong password ${i}`);
      assert.equal(res.status, 401, `attempt ${i}`);
      timings.push(ms);
    }
    // the first free failures are fast, later ones wait (delay earned by the earlier failures)
    assert.ok(timings[1]! < ACCOUNT_THROTTLE.delayStepMs, `early attempt took ${timings[1]}ms`);
    const last = timings[timings.length - 1]!;
    assert.ok(last >= ACCOUNT_THROTTLE.delayStepMs * (ACCOUNT_THROTTLE.lockAfter - 2 - ACCOUNT_THROTTLE.freeFailures), `late attempt took ${last}ms`);
    const locking = await attempt(browser, 'alice', 'wrong password again');
    assert.equal(locking.res.status, 401);
    const locked = await attempt(browser, 'alice', PASSWORD);
    assert.equal(locked.res.status, 429);
    assert.match(await locked.res.text(), /Too many failed sign-in attempts. Try again in 15 minutes./);
    assert.equal(browser.cookie('tg_session'), undefined);
    const lockLog = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'login_locked' && l.throttle === 'account');
    assert.ok(lockLog, 'the lock is logged');
    assert.ok(!logLines.some((l) => l.includes('wrong password') || l.includes(PASSWORD)), 'no password in the log');
    // other accounts are not affected
    const bob = await attempt(new TestBrowser(), 'bob', PASSWORD);
    assert.equal(bob.res.status, 303);
    // the lock ends
    server.advance(ACCOUNT_THROTTLE.lockMs / 1000 + 1);
    try {
      const after = await attempt(browser, 'ALICE', PASSWORD);
      assert.ok(redirectParams(after.res, 'https://tool.example.com/cb').get('code'));
    } finally {
      server.advance(-(ACCOUNT_THROTTLE.lockMs / 1000 + 1));
    }
  });

  it('counters live in the store (every node sees them) and a success resets the account counter', async () => {
    const browser = new TestBrowser();
    for (let i = 0; i < 3; i++) await attempt(browser, 'bob', 'nope nope nope');
    const [state] = await server.app.ctx.store.throttles.get(['login:bob']);
    assert.equal(state!.failures, 3);
    const ok = await attempt(browser, 'bob', PASSWORD);
    assert.equal(ok.res.status, 303);
    assert.deepEqual(await server.app.ctx.store.throttles.get(['login:bob']), []);
    const [ip] = await server.app.ctx.store.throttles.get(['ip:127.0.0.1']);
    assert.ok(ip!.failures >= 3, 'the IP counter keeps counting');
  });

  it('unknown logins are throttled too (no account enumeration through the lock)', async () => {
    await server.app.ctx.store.throttles.reset('ip:127.0.0.1');
    for (let i = 0; i < 2; i++) await attempt(new TestBrowser(), 'ghost', 'whatever it is');
    const [state] = await server.app.ctx.store.throttles.get(['login:ghost']);
    assert.equal(state!.failures, 2);
  });

  it('the client IP is locked after many failures across accounts', async () => {
    const ctx = server.app.ctx;
    await ctx.store.throttles.reset('ip:127.0.0.1');
    const now = ctx.now();
    for (let i = 0; i < IP_THROTTLE.lockAfter - 1; i++) await ctx.store.throttles.recordFailure('ip:127.0.0.1', now, IP_THROTTLE.windowMs);
    const browser = new TestBrowser();
    const failing = await attempt(browser, `someone-${Date.now()}`, 'bad password here');
    assert.equal(failing.res.status, 401);
    const locked = await attempt(browser, 'bob', PASSWORD);
    assert.equal(locked.res.status, 429);
    assert.ok(logLines.some((l) => l.includes('"throttle":"ip"')));
    await ctx.store.throttles.reset('ip:127.0.0.1');
  });
});
