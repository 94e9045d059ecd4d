#!/usr/bin/env node
// The example server-side web app (confidential client). Configuration (environment):
//   ISSUER_URL     the Trustgate issuer (required)      CLIENT_ID / CLIENT_SECRET  its registration (required)
//   API_URL        the ERP API, default http://127.0.0.1:4000
//   PORT           default 3000   HOST default 127.0.0.1   PUBLIC_URL  how browsers reach it (default http://HOST:PORT)
import { startWebApp } from './server.js';

const { ISSUER_URL, CLIENT_ID, CLIENT_SECRET } = process.env;
if (!ISSUER_URL || !CLIENT_ID || !CLIENT_SECRET) {
  process.stderr.write('web-app: set ISSUER_URL, CLIENT_ID and CLIENT_SECRET (see examples/web-app/README.md)\n');
  process.exit(1);
}
const app = await startWebApp({
  issuer: ISSUER_URL,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  apiUrl: process.env.API_URL ?? 'http://127.0.0.1:4000',
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
  publicUrl: process.env.PUBLIC_URL,
});
process.stdout.write(`web-app listening on ${app.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
