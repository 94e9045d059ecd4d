#!/usr/bin/env node
// Serves the example SPA. Configuration (environment):
//   ISSUER_URL  the Trustgate issuer (required)   CLIENT_ID  its registration (public app, required)
//   API_URL     the ERP API, default http://127.0.0.1:4000   PORT default 5173   HOST default 127.0.0.1
//   TOKEN_STORAGE  session (default: per tab) or local (shared by every tab of the SPA's origin)
//   DPOP        true: bind the tokens to a key kept in the browser (DPoP, RFC 9449); default false
import { startSpa } from './server.js';

const { ISSUER_URL, CLIENT_ID } = process.env;
if (!ISSUER_URL || !CLIENT_ID) {
  process.stderr.write('spa: set ISSUER_URL and CLIENT_ID (see examples/spa/README.md)\n');
  process.exit(1);
}
const spa = await startSpa({
  issuer: ISSUER_URL,
  clientId: CLIENT_ID,
  apiUrl: process.env.API_URL ?? 'http://127.0.0.1:4000',
  port: Number(process.env.PORT ?? 5173),
  host: process.env.HOST ?? '127.0.0.1',
  tokenStorage: process.env.TOKEN_STORAGE === 'local' ? 'local' : 'session',
  dpop: process.env.DPOP === 'true',
});
process.stdout.write(`spa listening on ${spa.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void spa.close().then(() => process.exit(0)));
