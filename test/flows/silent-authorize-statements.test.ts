import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { PASSWORD, WEB_CALLBACK, authorizeUrl, redirectParams, startSignInServer, webParams, type SignInServer } from './authorize-support.js';

type Counts = Record<'select' | 'insert' | 'update' | 'delete' | 'other', number>;

/** One read (session, user and consent together); the inserts of the code and of its audit event. */
const SILENT: Counts = { select: 1, insert: 2, update: 0, delete: 0, other: 0 };

/**
 * Every database round trip costs (on PostgreSQL a syscall and protocol work each), so a silent
 * authorization reads the SSO session, its user and the user's consent to the app in one statement and then
 * writes its code (and the audit event). The statements are counted by the store's statement observer, through /metrics.
 */
describeEachDatabase('a silent authorization: one read, then the code', (database) => {
  let server: SignInServer;
  let metricsUrl: string;
  before(async () => {
    // the app stays cached (at most 5 s) between the runs, so only the sign-in's own statements are counted
    server = await startSignInServer(database().url, { METRICS_PORT: '0', CLIENT_CACHE_SECONDS: '5' });
    metricsUrl = `http://127.0.0.1:${server.app.metricsServer!.port}/metrics`;
  });
  after(async () => server?.close());

  async function statementCounts(): Promise<Counts> {
    const counts: Counts = { select: 0, insert: 0, update: 0, delete: 0, other: 0 };
    const text = await (await fetch(metricsUrl)).text();
    for (const [, operation, value] of text.matchAll(/^trustgate_db_statement_duration_seconds_count\{[^}]*operation="(\w+)"[^}]*\} (\d+)$/gm)) {
      counts[operation as keyof Counts] += Number(value);
    }
    return counts;
  }

  /**
   * The statements of one silent authorization: the fewest seen in three runs (background tasks, such as
   * the minutely key-rotation check, may add a statement to a run, never take one away).
   */
  async function statementsOfSilentAuthorization(browser: TestBrowser, params: Record<string, string>, callback = WEB_CALLBACK): Promise<Counts> {
    const runs: Counts[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await statementCounts();
      const res = await browser.get(authorizeUrl(server.issuer, params));
      assert.ok(redirectParams(res, callback).get('code'), 'the authorization completed silently');
      const after = await statementCounts();
      runs.push(Object.fromEntries(Object.keys(before).map((k) => [k, after[k as keyof Counts] - before[k as keyof Counts]])) as Counts);
    }
    return runs.reduce((fewest, run) => (total(run) < total(fewest) ? run : fewest));
  }

  it('with a consent-requiring app, prompt=none and no prompt: one select (session, user, consent), the code and audit inserts', async () => {
    const browser = new TestBrowser();
    // web.app requires consent: the sign-in records alice's consent to openid and read
    await signIn(browser, server.issuer, webParams(), { login: 'alice', password: PASSWORD });
    assert.ok((await statementCounts()).select > 0, 'the store reports its statements to the metrics');
    for (const params of [webParams({ prompt: 'none' }), webParams()]) {
      assert.deepEqual(await statementsOfSilentAuthorization(browser, params), SILENT, JSON.stringify(params));
    }
  });

  it('with an app that needs no consent: the same statements', async () => {
    const browser = new TestBrowser();
    const tool = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' };
    await signIn(browser, server.issuer, webParams(tool), { login: 'bob', password: PASSWORD });
    const counts = await statementsOfSilentAuthorization(browser, webParams({ ...tool, prompt: 'none' }), tool.redirect_uri);
    assert.deepEqual(counts, SILENT);
  });
});

function total(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
