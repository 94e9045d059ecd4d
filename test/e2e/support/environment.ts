import { createAccessTokenVerifier } from '../../../src/resource-server/index.js';
import { freePort, startTestServer, type TestServer } from '../../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../../support/fixtures.js';
import { startErpApi, type RunningErpApi } from '../../../examples/erp-api/server.js';
import { startWebApp, type RunningWebApp } from '../../../examples/web-app/server.js';
import { startSpa, type RunningSpa } from '../../../examples/spa/server.js';

export const PASSWORD = TEST_PASSWORD;

/** A clock shared by Trustgate, the API and the web app, which tests move forward to let tokens expire. */
export class TestClock {
  offsetMs = 0;
  readonly now = () => Date.now() + this.offsetMs;
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface AppsEnvironment {
  clock: TestClock;
  server: TestServer;
  api: RunningErpApi;
  webApp: RunningWebApp;
  spa: RunningSpa;
  ids: { webApp: string; spa: string; native: string };
  close(): Promise<void>;
}

/**
 * The whole apps side on 127.0.0.1: Trustgate (real server, path issuer), the sample ERP API, the web
 * app and the SPA, with their Trusted Application registrations and users:
 * alice (internal), carl (community), and the apps registered as a developer would.
 */
export async function startAppsEnvironment(options: {
  databaseUrl: string;
  /** access-token lifetime of the SPA and web app registrations (seconds, minimum 60) */
  accessTokenLifetime?: number;
  /** the SPA renews this many seconds before its access token expires */
  spaRenewBeforeSeconds?: number;
  /** the host name in Trustgate's issuer (default 127.0.0.1); `localhost` for passkeys (WebAuthn) */
  hostName?: string;
  /** where the SPA keeps its tokens (default sessionStorage; `local`: shared by its tabs) */
  spaTokenStorage?: 'session' | 'local';
  /** the SPA binds its tokens with DPoP */
  spaDpop?: boolean;
  /** Trustgate's environment beyond the defaults (e.g. DPOP_NONCE) */
  serverEnv?: Record<string, string>;
}): Promise<AppsEnvironment> {
  const clock = new TestClock();
  const server = await startTestServer({
    databaseUrl: options.databaseUrl,
    now: clock.now,
    hostName: options.hostName,
    ...(options.serverEnv ? { env: options.serverEnv } : {}),
  });
  const ctx = server.app.ctx;
  const [apiPort, webPort, spaPort] = [await freePort(), await freePort(), await freePort()];
  const spaOrigin = `http://127.0.0.1:${spaPort}`;
  const webOrigin = `http://127.0.0.1:${webPort}`;
  const ids = { webApp: 'com.example/web-app', spa: 'com.example/spa', native: 'com.example/native' };
  const lifetime = options.accessTokenLifetime ?? 3600;

  const web = await createTestApp(ctx, {
    clientId: ids.webApp,
    displayName: 'Example Web App',
    clientType: 'confidential',
    loginRedirectUris: [`${webOrigin}/callback`],
    logoutRedirectUris: [`${webOrigin}/signed-out`],
    scopes: ['read', 'update'],
    allowInternalUsers: true,
    allowCommunityUsers: false, // a staff tool: community users may not sign in
    accessTokenLifetime: lifetime,
  });
  await createTestApp(ctx, {
    clientId: ids.spa,
    displayName: 'Example SPA',
    clientType: 'public',
    loginRedirectUris: [`${spaOrigin}/callback`],
    logoutRedirectUris: [`${spaOrigin}/signed-out`],
    scopes: ['read', 'update'],
    allowInternalUsers: true,
    allowCommunityUsers: true,
    accessTokenLifetime: lifetime,
  });
  await createTestApp(ctx, {
    clientId: ids.native,
    displayName: 'Example Native App',
    clientType: 'public',
    loginRedirectUris: ['http://127.0.0.1/callback'],
    logoutRedirectUris: [],
    scopes: ['read'],
  });
  await createTestUser(ctx, { login: 'alice', displayName: 'Alice Anders', kind: 'internal' });
  await createTestUser(ctx, { login: 'carl', displayName: 'Carl Community', kind: 'community' });

  const api = await startErpApi({
    issuer: server.issuer,
    audience: 'erp-api',
    databasePath: ':memory:',
    corsOrigins: [spaOrigin],
    port: apiPort,
    host: '127.0.0.1',
    verifier: createAccessTokenVerifier({ issuer: server.issuer, audience: 'erp-api', now: clock.now }),
  });
  const webApp = await startWebApp({
    issuer: server.issuer,
    clientId: ids.webApp,
    clientSecret: web.secret!,
    apiUrl: api.url,
    port: webPort,
    host: '127.0.0.1',
    now: clock.now,
  });
  const spa = await startSpa({
    issuer: server.issuer,
    clientId: ids.spa,
    apiUrl: api.url,
    port: spaPort,
    host: '127.0.0.1',
    renewBeforeSeconds: options.spaRenewBeforeSeconds,
    tokenStorage: options.spaTokenStorage,
    dpop: options.spaDpop,
  });
  return {
    clock,
    server,
    api,
    webApp,
    spa,
    ids,
    close: async () => {
      await Promise.allSettled([spa.close(), webApp.close(), api.close()]);
      await server.close();
    },
  };
}
