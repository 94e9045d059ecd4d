#!/usr/bin/env node
// The sample ERP API. Configuration (environment):
//   ISSUER_URL    the Trustgate issuer (required), e.g. http://127.0.0.1:8080/id
//   PORT          default 4000          HOST   default 127.0.0.1
//   API_AUDIENCE  default erp-api       (must be one of Trustgate's API_AUDIENCE values)
//   CORS_ORIGINS  comma-separated browser origins allowed to call the API (e.g. the SPA's)
//   DATABASE_PATH default ./data/erp-api.db
//   API_SECRET    the secret of the registered API (`trustgate api create <API_AUDIENCE> …`); with it the
//                 API learns of revoked tokens (without it a token is accepted until it expires)
//   REVOCATION_MODE      feed (default: poll the signed revocation feed) or introspection (ask per token)
//   REVOCATION_POLL_MS   how often the feed is polled, default 10000
import type { RevocationOptions } from 'trustgate/resource-server';
import { startErpApi } from './server.js';

const issuer = process.env.ISSUER_URL;
if (!issuer) {
  process.stderr.write('erp-api: set ISSUER_URL to the Trustgate issuer, e.g. http://127.0.0.1:8080/id\n');
  process.exit(1);
}
const audience = process.env.API_AUDIENCE ?? 'erp-api';
const secret = process.env.API_SECRET;
const credentials = secret ? { clientId: audience, clientSecret: secret } : undefined;
let revocation: RevocationOptions | undefined;
if (credentials && process.env.REVOCATION_MODE === 'introspection') revocation = { introspection: credentials };
else if (credentials) revocation = { feed: { ...credentials, intervalMs: Number(process.env.REVOCATION_POLL_MS ?? 10_000) } };
const api = await startErpApi({
  issuer,
  audience,
  ...(revocation ? { revocation } : {}),
  databasePath: process.env.DATABASE_PATH ?? './data/erp-api.db',
  corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
  port: Number(process.env.PORT ?? 4000),
  host: process.env.HOST ?? '127.0.0.1',
  logger: process.env.LOG_LEVEL !== 'silent',
});
process.stdout.write(`erp-api listening on ${api.url} (issuer ${issuer})\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void api.close().then(() => process.exit(0)));
