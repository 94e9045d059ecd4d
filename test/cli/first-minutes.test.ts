import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('npm start: the banner', () => {
  let db: TestDatabase;
  let server: SpawnedServer;
  before(async () => {
    db = await createTestDatabase('sqlite');
    server = await spawnServer({ databaseUrl: db.url, env: { METRICS_PORT: '0' } });
  });
  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('prints the issuer, discovery URL, console URL and the first command on standard error', async () => {
    for (let i = 0; i < 50 && !server.stderr().includes('docs/operations.md'); i++) await new Promise((r) => setTimeout(r, 100));
    const banner = server.stderr();
    assert.match(banner, new RegExp(`Issuer +${server.issuer}\\n`));
    assert.match(banner, new RegExp(`Discovery +${server.issuer}/\\.well-known/openid-configuration\\n`));
    assert.match(banner, new RegExp(`Console +${server.issuer}/admin/\\n`));
    assert.match(banner, /Metrics +http:\/\/127\.0\.0\.1:\d+\/metrics\n/);
    assert.match(banner, /npx trustgate app create my\.trusted\.app\/web --name "My Web App" --type confidential --generate-secret/);
  });

  it('standard output stays machine-readable: one JSON object per line', () => {
    const lines = server.stdout().split('\n').filter(Boolean);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
    assert.ok(!server.stdout().includes('Register your first app'));
  });
});

for (const issuerPath of ['/id', '']) {
  describeEachDatabase(`the issuer root (issuer path "${issuerPath}")`, (database) => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ databaseUrl: database().url, issuerPath, env: { INSTANCE_NAME: 'Acme ERP' } });
    });
    after(async () => server?.close());

    for (const suffix of issuerPath ? ['/', ''] : ['/']) {
      it(`a browser gets an HTML page with links at "${issuerPath}${suffix}"`, async () => {
        const res = await fetch(`${server.issuer}${suffix}`, { headers: { accept: BROWSER_ACCEPT } });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
        assert.match(res.headers.get('vary') ?? '', /Accept/);
        const body = await res.text();
        assert.match(body, /<html lang="en">/);
        assert.match(body, /Acme ERP identity server/);
        for (const href of [
          `${server.issuer}/.well-known/openid-configuration`,
          `${server.issuer}/.well-known/openid-configuration/jwks`,
          `${server.issuer}/admin/`,
          `${server.issuer}/account`,
        ]) {
          assert.ok(body.includes(`href="${href}"`), `links to ${href}`);
        }
        assert.match(body, /docs\/operations\.md/);
      });

      it(`a German browser gets it in German at "${issuerPath}${suffix}"`, async () => {
        const res = await fetch(`${server.issuer}${suffix}`, { headers: { accept: BROWSER_ACCEPT, 'accept-language': 'de-DE,de;q=0.9' } });
        const body = await res.text();
        assert.match(body, /<html lang="de">/);
        assert.match(body, /Acme ERP-Identitätsserver/);
        assert.ok(body.includes(`<a href="${server.issuer}/admin/">Verwaltungskonsole</a>`));
      });
    }

    it('an API client (Accept: application/json, or none) gets JSON naming the same places', async () => {
      for (const headers of [{ accept: 'application/json' }, {}, { accept: '*/*' }, { accept: 'text/html;q=0.5, application/json' }] as Record<string, string>[]) {
        const res = await fetch(`${server.issuer}/`, { headers });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/, JSON.stringify(headers));
        assert.deepEqual(await res.json(), {
          issuer: server.issuer,
          openid_configuration: `${server.issuer}/.well-known/openid-configuration`,
          jwks_uri: `${server.issuer}/.well-known/openid-configuration/jwks`,
          console: `${server.issuer}/admin/`,
          account: `${server.issuer}/account`,
        });
      }
    });
  });
}
