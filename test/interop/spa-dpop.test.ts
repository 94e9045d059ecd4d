// The example SPA with DPoP (DPOP=true): oidc-client-ts keeps a non-extractable key in IndexedDB and
// signs a proof for every token request; Trustgate binds the access tokens and the public app's refresh
// tokens to it; the sample API (trustgate/resource-server) admits the tokens only with a proof.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '../support/databases.js';
import { chromiumSkipReason, launchChromium, type TestChromium } from '../e2e/support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from '../e2e/support/environment.js';
import { decodeJwt } from '../support/token-helpers.js';

const skip = chromiumSkipReason();

interface StoredUser {
  access_token: string;
  refresh_token?: string;
  token_type: string;
}

for (const nonces of [false, true]) {
  describeEachDatabase(`interop: oidc-client-ts SPA with DPoP in Chromium${nonces ? ', server nonces on (DPOP_NONCE)' : ''}`, (database) => {
    let env: AppsEnvironment;
    let browser: TestChromium;
    before(async () => {
      if (skip) return;
      env = await startAppsEnvironment({ databaseUrl: database().url, spaDpop: true, ...(nonces ? { serverEnv: { DPOP_NONCE: 'true' } } : {}) });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await env?.close();
    });

    const storedUser = async (): Promise<StoredUser | undefined> => {
      const raw = await browser.page.evaluate(() => {
        const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
        return key ? sessionStorage.getItem(key) : null;
      });
      return raw ? (JSON.parse(raw) as StoredUser) : undefined;
    };
    const apiLoaded = () =>
      browser.page.waitForFunction(() => document.getElementById('api-status')?.textContent?.startsWith('API data loaded'));

    it('signs in, calls the API and refreshes with DPoP-bound tokens; a stolen refresh token without the key is refused', { skip }, async () => {
      const { page } = browser;
      const tokenUrl = `${env.server.issuer}/connect/token`;
      const tokenRequests: Array<{ grantType: string | null; dpop: string | undefined }> = [];
      const tokenStatuses: number[] = [];
      page.on('request', (request) => {
        if (request.url() === tokenUrl && request.method() === 'POST') {
          tokenRequests.push({ grantType: new URLSearchParams(request.postData() ?? '').get('grant_type'), dpop: request.headers().dpop });
        }
      });
      page.on('response', (response) => {
        if (response.url() === tokenUrl && response.request().method() === 'POST') tokenStatuses.push(response.status());
      });
      await page.goto(env.spa.url);
      await page.waitForSelector('body[data-ready=true]');
      await page.click('#sign-in');
      await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
      await page.fill('#login', 'carl');
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit]:has-text("Sign in")');
      await page.click('button[value=allow]');
      await page.waitForURL(`${env.spa.url}/`);
      await page.waitForSelector('#signed-in:not([hidden])');
      await apiLoaded();
      const me = JSON.parse((await page.locator('#me').textContent()) ?? '{}') as { clientId: string };
      assert.equal(me.clientId, env.ids.spa, 'the API admitted the DPoP-bound token with the SPA\'s proof');

      const first = await storedUser();
      assert.ok(first?.refresh_token);
      assert.equal(first.token_type, 'DPoP');
      const jkt = (decodeJwt(first.access_token).payload.cnf as { jkt?: string } | undefined)?.jkt;
      assert.match(jkt ?? '', /^[A-Za-z0-9_-]{43}$/, 'the access token is bound to the browser\'s key');
      assert.equal(tokenRequests[0]?.grantType, 'authorization_code');
      assert.ok(tokenRequests[0]?.dpop, 'the code was redeemed with a DPoP proof');
      if (nonces) {
        // oidc-client-ts got use_dpop_nonce with a DPoP-Nonce header first, and retried with the nonce
        assert.deepEqual(tokenStatuses.slice(0, 2), [400, 200]);
        assert.equal(tokenRequests[1]?.grantType, 'authorization_code');
        assert.equal(typeof decodeJwt(tokenRequests[1]!.dpop!).payload.nonce, 'string');
      } else {
        assert.deepEqual(tokenStatuses.slice(0, 1), [200]);
      }

      // a copied access token is worthless as a bearer token
      const asBearer = await fetch(`${env.api.url}/api/me`, { headers: { authorization: `Bearer ${first.access_token}` } });
      assert.equal(asBearer.status, 401);
      assert.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP /);

      // a refresh token copied out of the browser's storage: refused without the key, and with another key
      const steal = (headers: Record<string, string>) => fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: env.ids.spa }),
      });
      const withoutKey = await steal({});
      assert.equal(withoutKey.status, 400);
      assert.deepEqual(await withoutKey.json(), {
        error: 'invalid_grant',
        error_description: 'refresh token is expired or invalid: the refresh token is bound to a DPoP key: send a DPoP proof made with that key',
      });
      const thief = await generateKeyPair('ES256');
      const nonce = withoutKey.headers.get('dpop-nonce');
      assert.equal(nonce !== null, nonces, 'a DPoP-Nonce on every answer exactly when DPOP_NONCE is on');
      const thiefProof = await new SignJWT({ htm: 'POST', htu: tokenUrl, jti: randomUUID(), iat: Math.floor(env.clock.now() / 1000), ...(nonce ? { nonce } : {}) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(thief.publicKey) })
        .sign(thief.privateKey);
      const otherKey = await steal({ dpop: thiefProof });
      assert.equal(otherKey.status, 400);
      assert.equal(((await otherKey.json()) as { error_description: string }).error_description,
        'refresh token is expired or invalid: the DPoP proof was made with another key than the one the refresh token is bound to');

      // the attempts changed nothing: the SPA refreshes with its key, the tokens stay bound to it
      await page.click('#renew');
      await page.waitForFunction(() => Number(document.getElementById('refresh-count')?.textContent) >= 1);
      await apiLoaded();
      const renewed = await storedUser();
      assert.ok(renewed?.refresh_token);
      assert.notEqual(renewed.refresh_token, first.refresh_token, 'the refresh token rotated');
      assert.deepEqual(decodeJwt(renewed.access_token).payload.cnf, { jkt });
      const refresh = tokenRequests.find((r) => r.grantType === 'refresh_token');
      assert.ok(refresh?.dpop, 'the refresh carried a DPoP proof');
      await page.click('#reload');
      await apiLoaded();
      assert.equal(await page.locator('#status').getAttribute('class'), 'muted', 'no error in the SPA');
    });
  });
}
