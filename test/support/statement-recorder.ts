import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/context.js';
import type { StatementObserver, StatementOperation } from '../../src/stores/statement-observer.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/http/logger.js';
import { buildServer } from '../../src/http/server.js';
import { prepareContext } from '../../src/prepare.js';
import { openStore } from '../../src/stores/store.js';
import { testKeyEnv } from './databases.js';
import { freePort } from './server.js';

/** A server whose store reports every statement it runs, for tests that count round trips per request. */
export interface CountingServer {
  ctx: AppContext;
  issuer: string;
  /** The operations of the statements run while `action` ran, in order. */
  statementsOf(action: () => Promise<unknown>): Promise<StatementOperation[]>;
  close(): Promise<void>;
}

/**
 * The real server (in this process) on a store opened with a recording StatementObserver. No key
 * rotation or audit pruning timers run, so every statement recorded comes from the requests.
 */
export async function startCountingServer(databaseUrl: string): Promise<CountingServer> {
  let recording: StatementOperation[] | undefined;
  const observer: StatementObserver = { statement: (operation) => void recording?.push(operation) };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/id`;
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...testKeyEnv(databaseUrl),
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER_URL: issuer,
    DATABASE_URL: databaseUrl,
  });
  const store = await openStore(databaseUrl, observer);
  let server: FastifyInstance | undefined;
  let ctx: AppContext;
  try {
    ctx = await prepareContext(config, store, createLogger(config.logLevel), Date.now, { warn: false });
    server = await buildServer(ctx);
    await server.listen({ port, host: '127.0.0.1' });
  } catch (error) {
    await server?.close();
    await store.close();
    throw error;
  }
  const listening = server;
  return {
    ctx,
    issuer,
    async statementsOf(action) {
      recording = [];
      try {
        await action();
        return recording;
      } finally {
        recording = undefined;
      }
    },
    close: async () => {
      await listening.close();
      await store.close();
    },
  };
}
