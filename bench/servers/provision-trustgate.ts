#!/usr/bin/env node
/**
 * Creates the benchmark's app and user in a Trustgate store through the admin services (the layer
 * behind the CLI): migrations, one confidential app with the given secret, one internal user.
 * Environment: DATABASE_URL, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI,
 * BENCH_USER_LOGIN, BENCH_USER_PASSWORD (and the ARGON2_* variables Trustgate reads).
 * Prints {"userId": …} on stdout.
 */
import { loadConfig } from '../../src/config/config.js';
import { openStore } from '../../src/stores/store.js';
import { AppService } from '../../src/admin/app-service.js';
import { UserService } from '../../src/admin/user-service.js';
import { createAuditRecorder } from '../../src/audit/record.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`provision: ${name} is not set`);
  return value;
};

const config = loadConfig(process.env);
const store = await openStore(config.databaseUrl);
try {
  await store.migrate();
  // the changes go on the audit trail like the CLI's (actor cli:bench); its log lines are dropped
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const deps = { store, config, now: Date.now, audit: createAuditRecorder({ store, log: quiet, now: Date.now }), actor: 'cli:bench' };
  await new AppService(deps).create({
    clientId: env('BENCH_CLIENT_ID'),
    displayName: 'Benchmark app',
    clientType: 'confidential',
    secret: env('BENCH_CLIENT_SECRET'),
    loginRedirectUris: [env('BENCH_REDIRECT_URI')],
    logoutRedirectUris: [],
    scopes: ['read'],
    allowInternalUsers: true,
    allowRefreshTokens: true,
    requireConsent: true,
  });
  const { user } = await new UserService(deps).create({
    login: env('BENCH_USER_LOGIN'),
    displayName: 'Benchmark User',
    kind: 'internal',
    password: env('BENCH_USER_PASSWORD'),
  });
  process.stdout.write(`${JSON.stringify({ userId: user.id })}\n`);
} finally {
  await store.close();
}
