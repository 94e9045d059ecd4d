#!/usr/bin/env node
/** Ceiling: a bare node:http server answering a small JSON body, to measure one core's HTTP rate. */
import http from 'node:http';

const port = Number(process.env.PORT);
const body = JSON.stringify({ status: 'ok', service: 'bare-http' });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
