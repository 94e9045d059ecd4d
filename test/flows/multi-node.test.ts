import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { TestBrowser, getAuthorizationCode, pkcePair } from '../support/browser.js';
import { spawnServer, type SpawnedServer } from '../cli/spawn-server.js';
import { runCli } from '../cli/run-cli.js';
import { json, succeeded } from '../cli/assertions.js';

const CLIENT_ID = 'my.trusted.app/first';
const REDIRECT_URI = 'https://app.example.com/callback';
const PASSWORD = 'correct horse battery staple';
/** every node (and the CLI) shares the secret that encrypts the signing keys at rest */
const KEY_ENCRYPTION_SECRET = 'multi-node shared key secret';

async function jwks(node: SpawnedServer): Promise<JWK[]> {
  const res = await fetch(`${node.issuer}/.well-known/openid-configuration/jwks`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { keys: JWK[] }).keys;
}

async function eventually(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

function authorizeUrl(node: SpawnedServer, challenge: string): string {
  return `${node.issuer}/connect/authorize?${new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid profile read',
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;
}

/** Signs jane in at `node`, redeems the code there, and verifies the access token with `other`'s JWKS. */
async function signInAndVerify(index: number, node: SpawnedServer, other: SpawnedServer, expectedKid?: string): Promise<void> {
  const { verifier, challenge } = pkcePair();
  const { code, state, iss } = await getAuthorizationCode(
    new TestBrowser(),
    node.issuer,
    {
      client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid profile read',
      state: `s${index}`, nonce: `n${index}`, code_challenge: challenge, code_challenge_method: 'S256',
    },
    { login: 'jane', password: PASSWORD },
  );
  assert.equal(state, `s${index}`);
  assert.equal(iss, node.issuer);
  const res = await fetch(`${node.issuer}/connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic() },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  const body = (await res.json()) as Record<string, string>;
  assert.equal(res.status, 200, JSON.stringify(body));
  // the signing key is shared: the other node's JWKS verifies this node's token
  const keySet = createRemoteJWKSet(new URL(`${other.issuer}/.well-known/openid-configuration/jwks`));
  const { payload, protectedHeader } = await jwtVerify(body.access_token!, keySet, { issuer: node.issuer });
  assert.equal(protectedHeader.typ, 'at+jwt');
  if (expectedKid) assert.equal(protectedHeader.kid, expectedKid);
  assert.equal(payload.client_id, CLIENT_ID);
  assert.equal(payload.scope, 'openid profile read');
}

let secret = '';
function basic(): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/**
 * Two real server processes (the compiled src/main.js), each on its own port with the same issuer path,
 * share one PostgreSQL schema: no state lives only in one process.
 */
describe('multi-node: two server processes on one PostgreSQL database', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  let nodes: SpawnedServer[] = [];
  let env: Record<string, string>;

  before(async () => {
    db = await createTestDatabase('postgres');
    env = { DATABASE_URL: db.url, KEY_ENCRYPTION_SECRET };
    // both start at once on an empty schema: migrations take a lock, both must come up
    // one process per node: each worker of a node keeps its own key-ring cache (refreshed within 10 s),
    // so "this node publishes the key" (seen through one connection) would not yet mean that every
    // worker of it signs with it; several workers per node are test/flows/workers.test.ts's subject
    const nodeEnv = { KEY_ENCRYPTION_SECRET, WORKERS: '1' };
    const started = await Promise.allSettled([
      spawnServer({ databaseUrl: db.url, env: nodeEnv }),
      spawnServer({ databaseUrl: db.url, env: nodeEnv }),
    ]);
    // keep the one that did start, so `after` stops it before the schema is dropped
    nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await db?.drop();
  });

  it('both nodes serve discovery under the same issuer path and the same JWKS', async () => {
    for (const node of nodes) {
      const doc = (await (await fetch(`${node.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      assert.equal(doc.issuer, node.issuer);
      assert.ok(new URL(node.issuer).pathname === '/id');
    }
    // a key created by one node reaches the other within its key-ring refresh interval
    await eventually('identical JWKS on both nodes', 15_000, async () => {
      const [a, b] = await Promise.all(nodes.map(jwks));
      return JSON.stringify(a) === JSON.stringify(b);
    });
    const keys = await jwks(nodes[0]!);
    assert.ok(keys.length >= 1);
  });

  it('an app and a user created with the CLI are visible to both nodes: each signs the user in and issues tokens', async () => {
    const created = json<{ generatedSecret: string }>(
      await runCli(
        ['app', 'create', CLIENT_ID, '--name', 'My App', '--type', 'confidential', '--generate-secret',
          '--redirect-uri', REDIRECT_URI, '--scope', 'read update', '--json'],
        { env },
      ),
    );
    secret = created.generatedSecret;
    succeeded(
      await runCli(['user', 'create', 'jane', '--name', 'Jane Doe', '--kind', 'internal', '--password-stdin'], {
        env,
        input: `${PASSWORD}\n`,
      }),
    );
    for (const [index, node] of nodes.entries()) await signInAndVerify(index, node, nodes[1 - index]!);
  });

  it('after trustgate keys rotate both nodes publish the new key but keep signing with the current one; after --now both sign with the newest', async () => {
    const before = await jwks(nodes[0]!);
    const [current] = before;
    const staged = json<{ rotated: { kid: string }[] }>(await runCli(['keys', 'rotate', '--json'], { env })).rotated[0]!.kid;
    const expected = [staged, ...before.map((key) => key.kid!)].sort();
    await eventually('both nodes publishing the staged key', 15_000, async () => {
      const sets = await Promise.all(nodes.map(jwks));
      return sets.every((keys) => JSON.stringify(keys.map((key) => key.kid).sort()) === JSON.stringify(expected));
    });
    for (const node of nodes) assert.equal((await jwks(node))[0]!.kid, staged, 'the new key is listed first');
    // published ahead: nobody signs with it until every cached key set has expired
    for (const [index, node] of nodes.entries()) await signInAndVerify(index, node, nodes[1 - index]!, current!.kid);

    const emergency = json<{ rotated: { kid: string }[] }>(await runCli(['keys', 'rotate', '--now', '--json'], { env })).rotated[0]!.kid;
    await eventually('both nodes publishing the emergency key', 15_000, async () => {
      const sets = await Promise.all(nodes.map(jwks));
      return sets.every((keys) => keys.some((key) => key.kid === emergency));
    });
    // both nodes now sign with it, which they decrypt with the shared KEY_ENCRYPTION_SECRET
    for (const [index, node] of nodes.entries()) await signInAndVerify(index, node, nodes[1 - index]!, emergency);
  });

  it('after trustgate app disable both nodes refuse the app within 3 seconds (kill switch)', async () => {
    const { challenge } = pkcePair();
    for (const node of nodes) {
      const res = await fetch(authorizeUrl(node, challenge), { redirect: 'manual' });
      assert.equal(res.status, 303, 'the app is accepted before it is disabled');
    }
    succeeded(await runCli(['app', 'disable', CLIENT_ID], { env }));
    const disabledAt = Date.now();
    await Promise.all(
      nodes.map((node) =>
        eventually(`node ${node.issuer} refusing the disabled app`, 3_000, async () => {
          const res = await fetch(authorizeUrl(node, challenge), { redirect: 'manual' });
          const body = await res.text();
          return res.status === 400 && body.includes('is disabled; it cannot sign users in');
        }),
      ),
    );
    assert.ok(Date.now() - disabledAt <= 3_000);
    // and the token endpoint refuses it too
    for (const node of nodes) {
      const res = await fetch(`${node.issuer}/connect/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic() },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: REDIRECT_URI, code_verifier: 'v'.repeat(43) }),
      });
      const body = (await res.json()) as { error: string };
      assert.equal(body.error, 'unauthorized_client');
    }
  });
});
