import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { createLogger } from './http/logger.js';
import { buildServer } from './http/server.js';
import type { AppContext } from './context.js';
import { openStore } from './stores/store.js';
import { KeyRing } from './keys/key-ring.js';
import { ClientRegistry } from './stores/client-registry.js';
import { checkSigningKeyUsable } from './config/signing-key-check.js';
import { registerAccountApp } from './account/register-app.js';

export interface RunningApp {
  ctx: AppContext;
  server: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Opens the store, applies migrations, makes sure a signing key exists, registers the built-in account
 * app and builds the HTTP server.
 */
export async function createApp(config: Config, options: { log?: Logger; now?: () => number } = {}): Promise<RunningApp> {
  const log = options.log ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const store = await openStore(config.databaseUrl);
  try {
    const applied = await store.migrate();
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
    const keys = new KeyRing(store.keys, config.keyEncryptionSecret, now, log);
    await keys.ensureSigningKey();
    await checkSigningKeyUsable(keys, config.keyEncryptionSecret);
    const clients = new ClientRegistry(store.apps, config.clientCacheSeconds * 1000, now);
    const ctx: AppContext = { config, store, keys, clients, log, now };
    await registerAccountApp(ctx);
    const server = await buildServer(ctx);
    return {
      ctx,
      server,
      close: async () => {
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
