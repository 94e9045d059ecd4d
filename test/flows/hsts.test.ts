import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { describeEachDatabase, testKeyEnv } from '../support/databases.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { startTestServer } from '../support/server.js';

const ISSUER = 'https://erp.example.com/id';
const HOST = { host: 'erp.example.com' };

/** Every kind of response the server gives: pages, JSON, redirects, errors, probes, assets, the 404. */
const REQUESTS: InjectOptions[] = [
  { url: '/id/.well-known/openid-configuration' },
  { url: '/id/.well-known/openid-configuration/jwks' },
  { url: '/id/connect/authorize?client_id=nobody' },
  { url: '/id/connect/authorize?client_id=web.app&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=token' },
  { url: '/id/connect/endsession' },
  { url: '/id/connect/interaction/unknown' },
  { method: 'POST', url: '/id/connect/token', payload: 'grant_type=authorization_code', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  { method: 'POST', url: '/id/connect/token', payload: '{}', headers: { 'content-type': 'application/json' } },
  { url: '/id/connect/token' },
  { method: 'OPTIONS', url: '/id/connect/token', headers: { origin: 'https://spa.example.com', 'access-control-request-method': 'POST' } },
  { url: '/id/connect/userinfo' },
  { url: '/id/assets/trustgate.css' },
  { url: '/healthz' },
  { url: '/readyz' },
  { url: '/nothing/here' },
];

describeEachDatabase('Strict-Transport-Security (HSTS_MAX_AGE)', (database) => {
  const apps: RunningApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const running = await createApp(loadConfig({ LOG_LEVEL: 'silent', ISSUER_URL: ISSUER, DATABASE_URL: database().url, ...testKeyEnv(database().url), ...env }));
    apps.push(running);
    return running;
  };
  let running: RunningApp;
  before(async () => {
    running = await start();
    const { createTestApp } = await import('../support/fixtures.js');
    await createTestApp(running.ctx, { clientId: 'web.app' });
  });
  after(async () => {
    for (const app of apps) await app.close();
  });

  it('an https issuer sends max-age=31536000 (no includeSubDomains) on every response', async () => {
    for (const request of REQUESTS) {
      const res = await running.server.inject({ ...request, headers: { ...HOST, ...request.headers } });
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', `${request.method ?? 'GET'} ${request.url} (${res.statusCode})`);
    }
  });

  it('HSTS_MAX_AGE sets the max-age; 0 sends no header', async () => {
    const short = await start({ HSTS_MAX_AGE: '600' });
    assert.equal((await short.server.inject({ url: '/id/connect/endsession', headers: HOST })).headers['strict-transport-security'], 'max-age=600');
    const off = await start({ HSTS_MAX_AGE: '0' });
    for (const request of REQUESTS) {
      const res = await off.server.inject({ ...request, headers: { ...HOST, ...request.headers } });
      assert.equal(res.headers['strict-transport-security'], undefined, `${request.method ?? 'GET'} ${request.url}`);
    }
  });

  it('an http issuer sends none', async () => {
    const server = await startTestServer({ databaseUrl: database().url, env: { HSTS_MAX_AGE: '600' } });
    try {
      for (const request of REQUESTS) {
        const res = await server.app.server.inject(request);
        assert.equal(res.headers['strict-transport-security'], undefined, `${request.method ?? 'GET'} ${request.url}`);
      }
    } finally {
      await server.close();
    }
  });
});
