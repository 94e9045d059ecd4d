#!/usr/bin/env node
/**
 * The container's HEALTHCHECK: exits 0 when this node's GET /readyz answers 200 (database reachable, a
 * signing key loaded), 1 otherwise. Reads PORT and HOST like the server; needs no curl in the image.
 */
const port = process.env.PORT?.trim() || '8080';
const configured = process.env.HOST?.trim() ?? '';
const host = configured === '' || configured === '0.0.0.0' || configured === '::' ? '127.0.0.1' : configured;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/readyz`;

fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (res) => {
    if (!res.ok) process.stderr.write(`not ready: ${url} answered ${res.status}\n`);
    process.exit(res.ok ? 0 : 1);
  },
  (error: unknown) => {
    process.stderr.write(`not ready: ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
