#!/usr/bin/env node
/**
 * The benchmark's peer: node-oidc-provider 9 configured for the same work as Trustgate —
 * issuer with a path (/id), RS256 JWT access tokens with typ at+jwt (resource indicators,
 * accessTokenFormat 'jwt'), PKCE S256 required, rotating refresh tokens, one confidential client
 * (client_secret_basic), one user with an argon2id password (same parameters as Trustgate), and
 * minimal login + consent interactions (CSRF-protected forms) whose consent is remembered as a Grant.
 *
 * Configured entirely through the environment by bench/run.ts; prints "ready" when listening.
 */
import http from 'node:http';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import Provider from 'oidc-provider';
import { PeerMemoryAdapter } from './peer-adapter.js';
import { PeerRedisAdapter, redisClient } from './peer-redis-adapter.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`peer: ${name} is not set`);
  return value;
};

const PORT = Number(env('PORT'));
const ISSUER = env('ISSUER_URL'); // e.g. http://127.0.0.1:4001/id
const MOUNT = new URL(ISSUER).pathname.replace(/\/+$/, '');
const CLIENT_ID = env('BENCH_CLIENT_ID');
const CLIENT_SECRET = env('BENCH_CLIENT_SECRET');
const REDIRECT_URI = env('BENCH_REDIRECT_URI');
const USER_LOGIN = env('BENCH_USER_LOGIN');
const USER_ID = env('BENCH_USER_ID', randomUUID());
const AUDIENCE = env('API_AUDIENCE', 'erp-api');
const RESOURCE = `urn:trustgate-bench:${AUDIENCE}`;
const ARGON2 = {
  type: argon2.argon2id as 2,
  memoryCost: Number(env('ARGON2_MEMORY_KIB', '19456')),
  timeCost: Number(env('ARGON2_ITERATIONS', '2')),
  parallelism: Number(env('ARGON2_PARALLELISM', '1')),
};
const PASSWORD_HASH = await argon2.hash(env('BENCH_USER_PASSWORD'), ARGON2);
const CSRF_KEY = randomBytes(32);
/** PEER_ALG: RS256 (2048-bit RSA) or ES256 (P-256), for ID and access tokens alike */
const ALG = env('PEER_ALG', 'RS256');
if (ALG !== 'RS256' && ALG !== 'ES256') throw new Error(`peer: PEER_ALG must be RS256 or ES256, got ${ALG}`);
/** PEER_STORAGE: memory (peer-adapter.ts) or redis (peer-redis-adapter.ts, REDIS_URL, REDIS_PREFIX) */
const STORAGE = env('PEER_STORAGE', 'memory');
if (STORAGE !== 'memory' && STORAGE !== 'redis') throw new Error(`peer: PEER_STORAGE must be memory or redis, got ${STORAGE}`);

const { privateKey } = ALG === 'ES256'
  ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
  : generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: ALG, use: 'sig' };

/**
 * "accountId clientId" → the grant that records the user's consent to the app: in process memory,
 * or in Redis with the Redis adapter (every node must find it)
 */
const memoryGrants = new Map<string, string>();
const rememberedGrants = {
  get: async (key: string): Promise<string | undefined> =>
    STORAGE === 'redis' ? ((await redisClient().get(`remembered:${key}`)) ?? undefined) : memoryGrants.get(key),
  set: async (key: string, grantId: string): Promise<void> => {
    if (STORAGE === 'redis') await redisClient().set(`remembered:${key}`, grantId, 'EX', 30 * 86400);
    else memoryGrants.set(key, grantId);
  },
};

function requestedScope(ctx: any): string[] {
  const scope = ctx?.oidc?.params?.scope;
  return typeof scope === 'string' ? scope.split(' ') : [];
}

const provider = new Provider(ISSUER, {
  adapter: STORAGE === 'redis' ? PeerRedisAdapter : PeerMemoryAdapter,
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: ALG,
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
  scopes: ['openid', 'offline_access', 'profile'],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // the API resource is the default whenever the app asks for an API scope (read), as in Trustgate
      defaultResource: async (ctx: any, _client: unknown, oneOf?: string[]) =>
        oneOf ?? (requestedScope(ctx).includes('read') ? RESOURCE : undefined),
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'read',
        audience: AUDIENCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: ALG } },
      }),
    },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 30 * 86400,
    Interaction: 600,
    Session: 36000,
    Grant: 30 * 86400,
  },
  // consent is remembered per user and app (as Trustgate does), not only per browser session
  loadExistingGrant: async (ctx: any) => {
    const clientId: string = ctx.oidc.client.clientId;
    const grantId: string | undefined =
      ctx.oidc.result?.consent?.grantId ??
      ctx.oidc.session.grantIdFor(clientId) ??
      (ctx.oidc.session.accountId ? await rememberedGrants.get(`${ctx.oidc.session.accountId} ${clientId}`) : undefined);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
  interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `${MOUNT}/interaction/${interaction.uid}` },
  findAccount: async (_ctx: unknown, sub: string) =>
    sub === USER_ID
      ? { accountId: USER_ID, claims: async () => ({ sub: USER_ID, preferred_username: USER_LOGIN, name: USER_LOGIN }) }
      : undefined,
  renderError: async (ctx: any, out: Record<string, string>) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>error</title><p>${escapeHtml(out.error ?? 'error')}: ${escapeHtml(out.error_description ?? '')}</p>`;
  },
});
provider.on('server_error', (_ctx: unknown, error: unknown) => process.stderr.write(`peer server_error: ${String(error)}\n`));

const oidc = provider.callback();

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function csrfFor(uid: string): string {
  return createHmac('sha256', CSRF_KEY).update(uid).digest('base64url');
}

function csrfValid(uid: string, value: string | null): boolean {
  const expected = Buffer.from(csrfFor(uid));
  const given = Buffer.from(value ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(res: http.ServerResponse, status: number, body: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head><body>${body}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

function loginForm(uid: string, error?: string): string {
  return `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}<form method="post" action="${MOUNT}/interaction/${uid}/login">
<input type="hidden" name="csrf" value="${csrfFor(uid)}"><input name="login" autocomplete="username">
<input type="password" name="password" autocomplete="current-password"><button type="submit">Sign in</button></form>`;
}

function consentForm(uid: string, scope: string): string {
  return `<p>Allow access to ${escapeHtml(scope)}?</p><form method="post" action="${MOUNT}/interaction/${uid}/consent">
<input type="hidden" name="csrf" value="${csrfFor(uid)}"><button name="decision" value="allow">Allow</button>
<button name="decision" value="deny">Deny</button></form>`;
}

async function interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string, action: string | undefined): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, '<p>interaction mismatch</p>');
  const { prompt, params } = details;

  if (req.method === 'GET' && action === undefined) {
    if (prompt.name === 'login') return page(res, 200, loginForm(uid));
    return page(res, 200, consentForm(uid, String(params.scope ?? '')));
  }
  if (req.method !== 'POST') return page(res, 405, '<p>method not allowed</p>');
  const form = await readForm(req);
  if (!csrfValid(uid, form.get('csrf'))) return page(res, 403, '<p>the form expired; start again</p>');

  if (action === 'login' && prompt.name === 'login') {
    const login = form.get('login') ?? '';
    const password = form.get('password') ?? '';
    const known = login.toLowerCase() === USER_LOGIN.toLowerCase();
    const ok = await argon2.verify(PASSWORD_HASH, password).catch(() => false);
    if (!known || !ok) return page(res, 200, loginForm(uid, 'Wrong login or password.'));
    return provider.interactionFinished(req, res, { login: { accountId: USER_ID } }, { mergeWithLastSubmission: false });
  }

  if (action === 'consent' && prompt.name === 'consent') {
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user denied access' }, { mergeWithLastSubmission: false });
    }
    const accountId = details.session?.accountId;
    if (!accountId) return page(res, 400, '<p>not signed in</p>');
    const grant = (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId, clientId: params.client_id });
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await rememberedGrants.set(`${accountId} ${params.client_id}`, grantId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return page(res, 400, '<p>unexpected step</p>');
}

const interactionPath = new RegExp(`^${MOUNT}/interaction/([A-Za-z0-9_-]+)(?:/(login|consent))?$`);

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  const path = url.split('?', 1)[0]!;
  const match = interactionPath.exec(path);
  if (match) {
    interaction(req, res, match[1]!, match[2]).catch((error: unknown) => {
      if (!res.headersSent) page(res, 400, `<p>${escapeHtml(error instanceof Error ? error.message : 'error')}</p>`);
      else res.end();
    });
    return;
  }
  if (path === MOUNT || path.startsWith(`${MOUNT}/`)) {
    // mount the provider under the issuer path (it reads the prefix back from originalUrl)
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(MOUNT.length) || '/';
    void oidc(req, res);
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1', () => process.stdout.write(`ready ${ISSUER}\n`));

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
