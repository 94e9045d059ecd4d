import { loadConfig, redactUrl } from './config/config.js';
import { createApp } from './app.js';
import { flushLogs } from './http/logger.js';
import { startupBanner } from './banner.js';

/** Starts the server from the environment; used by `npm start` and `trustgate serve`. */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const app = await createApp(config);
  const { log } = app.ctx;
  await app.server.listen({ port: config.port, host: config.host });
  log.info(
    { issuer: config.issuer, port: config.port, host: config.host, database: redactUrl(config.databaseUrl) },
    'trustgate listening',
  );
  process.stderr.write(startupBanner(config, app.metricsServer?.port));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.close().then(
      () => flushLogs(log).finally(() => process.exit(0)),
      () => flushLogs(log).finally(() => process.exit(1)),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
