import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Fastify, { type FastifyInstance } from 'fastify';

export interface SpaOptions {
  issuer: string;
  clientId: string;
  /** the ERP API (its CORS_ORIGINS must include this app's origin) */
  apiUrl: string;
  port: number;
  host: string;
  scope?: string;
  /** start renewing the access token this many seconds before it expires (default 30) */
  renewBeforeSeconds?: number;
  /** where the browser keeps the tokens: `session` (sessionStorage, per tab; default) or `local` (localStorage, shared by all tabs) */
  tokenStorage?: 'session' | 'local';
  /** bind the tokens to a key kept in the browser (DPoP); the API must verify proofs (trustgate/resource-server does) */
  dpop?: boolean;
}

export interface RunningSpa {
  url: string;
  server: FastifyInstance;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bundles the browser code (app.ts + oidc-client-ts) into one ES module with esbuild. */
export async function bundleSpa(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(here, 'app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * Serves the SPA's static files: index.html (also at /callback and /signed-out), the bundle, the
 * stylesheet and config.json. There is no server-side session: the browser does everything.
 */
export async function startSpa(options: SpaOptions): Promise<RunningSpa> {
  const bundle = await bundleSpa();
  const html = fs.readFileSync(path.join(here, 'index.html'), 'utf8');
  const css = fs.readFileSync(path.join(here, 'style.css'), 'utf8');
  const app = Fastify({ logger: false });
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ${new URL(options.issuer).origin} ${new URL(options.apiUrl).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `form-action 'self' ${new URL(options.issuer).origin}`,
  ].join('; ');
  app.addHook('onSend', async (request, reply) => {
    reply.header('Content-Security-Policy', csp);
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Cache-Control', 'no-store');
  });
  for (const route of ['/', '/callback', '/signed-out']) app.get(route, async (request, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/app.js', async (request, reply) => reply.type('text/javascript; charset=utf-8').send(bundle));
  app.get('/style.css', async (request, reply) => reply.type('text/css; charset=utf-8').send(css));
  app.get('/config.json', async () => ({
    issuer: options.issuer,
    clientId: options.clientId,
    apiUrl: options.apiUrl,
    scope: options.scope ?? 'openid profile offline_access read update',
    renewBeforeSeconds: options.renewBeforeSeconds ?? 30,
    tokenStorage: options.tokenStorage ?? 'session',
    dpop: options.dpop ?? false,
  }));
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${options.host}:${port}`, server: app, close: () => app.close() };
}
