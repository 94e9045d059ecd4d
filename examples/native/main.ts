#!/usr/bin/env node
// The example native app (public client, RFC 8252 loopback redirect). Configuration (environment):
//   ISSUER_URL  the Trustgate issuer (required)    CLIENT_ID  its registration (required)
//   API_URL     the ERP API, default http://127.0.0.1:4000    NO_BROWSER=1  only print the URL
import { runNativeApp } from './native-app.js';

const { ISSUER_URL, CLIENT_ID } = process.env;
if (!ISSUER_URL || !CLIENT_ID) {
  process.stderr.write('native: set ISSUER_URL and CLIENT_ID (see examples/native/README.md)\n');
  process.exit(1);
}
try {
  await runNativeApp({ issuer: ISSUER_URL, clientId: CLIENT_ID, apiUrl: process.env.API_URL ?? 'http://127.0.0.1:4000' });
  process.exit(0);
} catch (error) {
  process.stderr.write(`native: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
