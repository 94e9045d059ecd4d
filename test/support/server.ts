import net from 'node:net';
import { loadConfig, type Env } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { testKeyEnv } from './databases.js';

export interface TestServer {
  /** origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** issuer, e.g. http://127.0.0.1:41234/id */
  issuer: string;
  port: number;
  app: RunningApp;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the real server (in this process) on 127.0.0.1 with a path issuer. */
export async function startTestServer(options: {
  databaseUrl: string;
  issuerPath?: string;
  env?: Env;
  now?: () => number;
  /** the issuer of another node of the same deployment (nodes behind one load balancer share it) */
  issuer?: string;
  /** the host name in the issuer (the server listens on 127.0.0.1 either way); `localhost` for passkeys */
  hostName?: string;
}): Promise<TestServer> {
  const port = await freePort();
  const origin = `http://${options.hostName ?? '127.0.0.1'}:${port}`;
  const issuer = options.issuer ?? `${origin}${options.issuerPath ?? '/id'}`;
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...testKeyEnv(options.databaseUrl, options.env),
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER_URL: issuer,
    DATABASE_URL: options.databaseUrl,
  });
  const app = await createApp(config, { now: options.now });
  await app.server.listen({ port, host: '127.0.0.1' });
  return { origin, issuer, port, app, close: () => app.close() };
}
