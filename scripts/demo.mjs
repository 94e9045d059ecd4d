#!/usr/bin/env node
// `npm run demo`: builds Trustgate, starts it with its own demo database, the sample ERP API, the
// example web app and SPA, registers their Trusted Applications and a demo user through the
// trustgate CLI (idempotent: a second run reuses everything), and prints the URLs to open.
// Ctrl-C stops everything. `npm run demo:native` runs the native example against a running demo.
//
// Ports: DEMO_PORT (default 9400) for Trustgate, +1 the API, +2 the web app, +3 the SPA.
// DEMO_DATA_DIR (default ./data/demo) holds the demo databases and secrets; DEMO_SKIP_BUILD=1 skips tsc.
// DEMO_BUILD_DIR (default ./dist, what `npm run build` writes) is where the demo compiles Trustgate and
// runs it from. It is for the tests: `npm test` runs the demo on its own build (test-output/dist), whose
// trustgate/resource-server the sample API then gets through the "trustgate-test" export condition.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const dataDir = path.resolve(process.env.DEMO_DATA_DIR ?? path.join(root, 'data', 'demo'));
const buildDir = path.resolve(root, process.env.DEMO_BUILD_DIR ?? 'dist');
const base = Number(process.env.DEMO_PORT ?? 9400);
const host = '127.0.0.1';
const ports = { trustgate: base, api: base + 1, web: base + 2, spa: base + 3 };
const origin = (port) => `http://${host}:${port}`;
const issuer = `${origin(ports.trustgate)}/id`;
const apiUrl = origin(ports.api);
const webUrl = origin(ports.web);
const spaUrl = origin(ports.spa);
const ids = { web: 'demo.trustgate/web-app', spa: 'demo.trustgate/spa', native: 'demo.trustgate/native' };
const users = [
  { login: 'demo', name: 'Demo Employee', kind: 'internal', password: 'violet-harbor-lantern' },
  { login: 'partner', name: 'Demo Partner', kind: 'community', password: 'copper-meadow-sparrow' },
];

const trustgateEnv = {
  ...process.env,
  PORT: String(ports.trustgate),
  HOST: host,
  ISSUER_URL: issuer,
  DATABASE_URL: `sqlite:${path.join(dataDir, 'trustgate.db')}`,
  INSTANCE_NAME: 'Trustgate demo',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  API_AUDIENCE: 'erp-api',
};
const tsx = ['--import', 'tsx'];

function log(line = '') {
  process.stdout.write(`${line}\n`);
}

/** A secret kept in data/demo (mode 600) so a second run reuses it. */
function demoSecret(name) {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, 'utf8').trim(), existed: true };
  const value = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, existed: false };
}

function cli(args, input) {
  const result = spawnSync(process.execPath, [path.join(buildDir, 'src/cli/main.js'), ...args], {
    cwd: root,
    env: trustgateEnv,
    input,
    encoding: 'utf8',
  });
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr.trim() };
}

function mustCli(args, input) {
  const result = cli(args, input);
  if (!result.ok) {
    process.stderr.write(`demo: trustgate ${args.slice(0, 3).join(' ')} failed: ${result.stderr}\n`);
    process.exit(1);
  }
  return result;
}

/** Whether the CLI finds the record; any failure other than "no app / no user" stops the demo. */
function existsRecord(kind, id) {
  const result = cli([kind, 'show', id, '--json']);
  if (result.ok) return true;
  if (/^trustgate: no (app|user) with /.test(result.stderr)) return false;
  process.stderr.write(`demo: trustgate ${kind} show ${id} failed: ${result.stderr}\n`);
  process.exit(1);
}

/** Creates the app, or updates it to the same settings when it already exists. */
function registerApp(clientId, options, secret) {
  const exists = existsRecord('app', clientId);
  if (exists) {
    mustCli(['app', 'update', clientId, ...options]);
    if (secret && !secret.existed) mustCli(['app', 'secret', 'add', clientId, '--secret-stdin', '--description', 'demo'], `${secret.value}\n`);
    return 'updated';
  }
  if (secret) mustCli(['app', 'create', clientId, ...options, '--secret-stdin'], `${secret.value}\n`);
  else mustCli(['app', 'create', clientId, ...options]);
  return 'registered';
}

function seed() {
  const webSecret = demoSecret('web-app.secret');
  const registered = [
    registerApp(ids.web, [
      '--name', 'Demo Web App', '--type', 'confidential',
      '--redirect-uri', `${webUrl}/callback`, '--logout-uri', `${webUrl}/signed-out`,
      '--scope', 'read update', '--internal-users', '--no-community-users', '--refresh-tokens', '--consent',
      '--access-token-lifetime', '300',
    ], webSecret),
    registerApp(ids.spa, [
      '--name', 'Demo SPA', '--type', 'public',
      '--redirect-uri', `${spaUrl}/callback`, '--logout-uri', `${spaUrl}/signed-out`,
      '--scope', 'read update', '--internal-users', '--community-users', '--refresh-tokens', '--consent',
      '--access-token-lifetime', '300',
    ]),
    registerApp(ids.native, [
      '--name', 'Demo Native App', '--type', 'public',
      '--redirect-uri', 'http://127.0.0.1/callback',
      '--scope', 'read', '--internal-users', '--community-users', '--refresh-tokens', '--consent',
    ]),
  ];
  for (const user of users) {
    if (existsRecord('user', user.login)) {
      mustCli(['user', 'set-password', user.login, '--password-stdin'], `${user.password}\n`);
    } else {
      mustCli(['user', 'create', user.login, '--name', user.name, '--kind', user.kind, '--email', `${user.login}@demo.example`, '--password-stdin'], `${user.password}\n`);
    }
  }
  return { webSecret: webSecret.value, registered };
}

const children = [];
let stopping = false;

function start(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        out.write(`[${name}] ${buffer.slice(0, i)}\n`);
        buffer = buffer.slice(i + 1);
      }
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    // Ctrl-C reaches the children too; give our own SIGINT handler a moment to mark the stop as wanted
    setTimeout(() => {
      if (stopping) return;
      process.stderr.write(`demo: ${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping the demo\n`);
      stop(1);
    }, 200);
  });
  children.push({ name, child });
  return child;
}

async function waitFor(url, name) {
  for (let i = 0; i < 150; i += 1) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stderr.write(`demo: ${name} did not start at ${url}\n`);
  stop(1);
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(code);
  }, 5000);
  deadline.unref();
  Promise.all(children.map(({ child }) => (child.exitCode !== null ? undefined : new Promise((r) => child.once('exit', r))))).then(() => process.exit(code));
}

async function runDemo() {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!process.env.DEMO_SKIP_BUILD) {
    log('Building Trustgate…');
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', buildDir], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  trustgateEnv.KEY_ENCRYPTION_SECRET = demoSecret('key-encryption.secret').value;

  log('Registering the demo apps and users (trustgate CLI)…');
  const { webSecret, registered } = seed();

  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  start('trustgate', [path.join(buildDir, 'src/main.js')], trustgateEnv);
  await waitFor(`${origin(ports.trustgate)}/readyz`, 'Trustgate');
  start('erp-api', [...tsx, path.join(root, 'examples/erp-api/main.ts')], {
    ISSUER_URL: issuer, PORT: String(ports.api), HOST: host, API_AUDIENCE: 'erp-api',
    CORS_ORIGINS: spaUrl, DATABASE_PATH: path.join(dataDir, 'erp-api.db'), LOG_LEVEL: 'silent',
  });
  start('web-app', [...tsx, path.join(root, 'examples/web-app/main.ts')], {
    ISSUER_URL: issuer, CLIENT_ID: ids.web, CLIENT_SECRET: webSecret, API_URL: apiUrl, PORT: String(ports.web), HOST: host,
  });
  start('spa', [...tsx, path.join(root, 'examples/spa/main.ts')], {
    ISSUER_URL: issuer, CLIENT_ID: ids.spa, API_URL: apiUrl, PORT: String(ports.spa), HOST: host,
  });
  await Promise.all([waitFor(`${apiUrl}/healthz`, 'erp-api'), waitFor(webUrl, 'web-app'), waitFor(spaUrl, 'spa')]);

  log('');
  log('Trustgate demo is running (Ctrl-C stops everything).');
  log(`  apps ${registered.join(', ')}; data in ${path.relative(root, dataDir) || '.'}/`);
  log('');
  log(`  Web app (confidential, server-side):  ${webUrl}`);
  log(`  SPA (public, oidc-client-ts):         ${spaUrl}`);
  log(`  Native app (public, loopback):        npm run demo:native   (in another terminal)`);
  log(`  ERP API:                              ${apiUrl}/api/sales-orders  (needs a bearer token)`);
  log(`  Trustgate issuer:                     ${issuer}`);
  log(`  Discovery:                            ${issuer}/.well-known/openid-configuration`);
  log(`  Your account (change the password):   ${issuer}/account`);
  log('');
  log('  Sign in as:');
  for (const user of users) log(`    ${user.login.padEnd(8)} password ${user.password.padEnd(22)} (${user.kind} user)`);
  log('  The web app admits internal users only: try "partner" there to see a refusal.');
  log('');
}

async function runNative() {
  const child = spawn(process.execPath, [...tsx, path.join(root, 'examples/native/main.ts')], {
    cwd: root,
    env: { ...process.env, ISSUER_URL: issuer, CLIENT_ID: ids.native, API_URL: apiUrl },
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 1));
}

if (process.argv[2] === 'native') await runNative();
else await runDemo();
