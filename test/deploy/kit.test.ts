import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT, TEST_BUILD } from '../support/build.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { freePort } from '../support/server.js';
import { loadConfig } from '../../src/config/config.js';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The variables README's configuration table documents (first column, every `NAME` in it). */
function documentedVariables(): Set<string> {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('\n## Configuration'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration') + 5));
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]!);
  }
  assert.ok(names.has('DATABASE_URL') && names.has('METRICS_PORT'), 'the configuration table was found');
  return names;
}

/** Docker-compose interpolation: ${VAR}, ${VAR:-default}, ${VAR:?message}. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name]!;
    if (op === '-') return arg ?? '';
    throw new Error(`compose needs ${name}: ${arg}`);
  });
}

/** A Dockerfile's instructions with continuation lines joined. */
function dockerfileInstructions(): { instruction: string; args: string }[] {
  const joined = read('Dockerfile').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') };
    });
}

function run(command: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    const child = spawn(program === 'node' ? process.execPath : program!, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('Dockerfile', () => {
  const instructions = dockerfileInstructions();
  const runtimeStart = instructions.map((i) => i.instruction).lastIndexOf('FROM');
  const runtime = instructions.slice(runtimeStart);
  const one = (name: string) => runtime.filter((i) => i.instruction === name);
  const env: Record<string, string> = {};
  for (const { args } of one('ENV')) for (const m of args.matchAll(/([A-Z_]+)=(\S+)/g)) env[m[1]!] = m[2]!;
  const cmd = JSON.parse(one('CMD')[0]!.args) as string[];
  const healthcheck = JSON.parse(/CMD (\[.*\])$/.exec(one('HEALTHCHECK')[0]!.args)![1]!) as string[];

  it('is multi-stage and runs as a non-root user with a health check', () => {
    assert.ok(instructions.filter((i) => i.instruction === 'FROM').length >= 2, 'a build stage and a runtime stage');
    const user = one('USER');
    assert.equal(user.length, 1);
    assert.doesNotMatch(user[0]!.args, /^(root|0)(:|$)/);
    assert.ok(runtime.findIndex((i) => i.instruction === 'USER') < runtime.findIndex((i) => i.instruction === 'CMD'));
    assert.equal(one('HEALTHCHECK').length, 1);
    assert.ok(!runtime.some((i) => i.instruction === 'COPY' && /\bsrc\b(?!\/)/.test(i.args) && !i.args.includes('dist/src')), 'no sources in the runtime image');
  });

  it('documents every variable it sets', () => {
    const documented = documentedVariables();
    for (const name of Object.keys(env)) if (name !== 'NODE_ENV') assert.ok(documented.has(name), `${name} is in README's configuration table`);
    assert.deepEqual(Object.keys(env).sort(), ['DATABASE_URL', 'HOST', 'MALLOC_ARENA_MAX', 'NODE_ENV', 'PORT']);
  });

  describe('its command and health check, run outside Docker', () => {
    let db: TestDatabase;
    let port: number;
    let processEnv: Record<string, string>;
    let server: ReturnType<typeof spawn>;
    let output = '';
    // WORKDIR /app holds dist/src/…; the test build holds the same tree under test-output/
    const workdir = path.dirname(TEST_BUILD);
    before(async () => {
      db = await createTestDatabase('sqlite');
      port = await freePort();
      processEnv = {
        ...env,
        PORT: String(port),
        // the image's DATABASE_URL names the /data volume; here a temporary directory plays that part
        DATABASE_URL: db.url,
        ISSUER_URL: `http://127.0.0.1:${port}/id`,
        LOG_LEVEL: 'warn',
      };
      assert.equal(env.DATABASE_URL, 'sqlite:/data/trustgate.db');
      const [program, ...args] = cmd;
      assert.equal(program, 'node');
      server = spawn(process.execPath, args, { cwd: workdir, env: { PATH: process.env.PATH ?? '', ...processEnv } });
      server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    });
    after(async () => {
      if (server.exitCode === null) server.kill('SIGKILL');
      await db?.drop();
    });

    it('the health check fails until the server is ready, then passes; after SIGTERM the server exits 0', async () => {
      let result = await run(healthcheck, processEnv, workdir);
      for (let i = 0; i < 100 && result.code !== 0; i++) {
        assert.equal(server.exitCode, null, `the server exited: ${output}`);
        await new Promise((r) => setTimeout(r, 200));
        result = await run(healthcheck, processEnv, workdir);
      }
      assert.equal(result.code, 0, result.output);
      const discovery = await fetch(`http://127.0.0.1:${port}/id/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);

      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      server.kill('SIGTERM');
      assert.equal(await exited, 0, 'a graceful stop');
      const down = await run(healthcheck, processEnv, workdir);
      assert.equal(down.code, 1);
      assert.match(down.output, /not ready/);
    });
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { build?: string; image?: string; environment?: Record<string, string>; volumes?: string[]; depends_on?: unknown }>;
  };
  const nodes = Object.entries(compose.services).filter(([, s]) => s.build === '.');
  const vars = { POSTGRES_PASSWORD: 'pg-password', KEY_ENCRYPTION_SECRET: 'a key-encryption secret of some length', TRUSTGATE_HOST: 'id.example.com' };

  it('has PostgreSQL, two Trustgate nodes and a TLS-terminating proxy', () => {
    assert.deepEqual(nodes.map(([name]) => name).sort(), ['trustgate-1', 'trustgate-2']);
    assert.match(compose.services.postgres?.image ?? '', /^postgres:/);
    const caddy = compose.services.caddy!;
    assert.match(caddy.image ?? '', /^caddy:/);
    for (const volume of caddy.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('./')) assert.ok(fs.existsSync(path.join(ROOT, source)), `${source} exists`);
    }
    const caddyfile = read('deploy/Caddyfile');
    assert.match(caddyfile, /reverse_proxy trustgate-1:8080 trustgate-2:8080/);
    assert.match(caddyfile, /health_uri \/readyz/);
  });

  it("every node's variables are documented, and load into a valid configuration", () => {
    const documented = documentedVariables();
    const configs = nodes.map(([name, service]) => {
      const environment = service.environment ?? {};
      for (const key of Object.keys(environment)) assert.ok(documented.has(key), `${name}: ${key} is in README's configuration table`);
      const env = Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, interpolate(String(v), vars)]));
      return loadConfig(env);
    });
    for (const config of configs) {
      assert.equal(config.issuer, 'https://id.example.com/id');
      assert.match(config.databaseUrl, /^postgres:\/\/trustgate:pg-password@postgres:5432\/trustgate$/);
      assert.equal(config.trustProxy, 1, 'one proxy in front');
      assert.equal(config.keyEncryptionSecret, vars.KEY_ENCRYPTION_SECRET);
      assert.equal(config.metricsHost, '0.0.0.0');
    }
    assert.deepEqual(configs[0], configs[1], 'both nodes are configured alike');
  });

  it('refuses to start without the secrets (no default key-encryption secret or database password)', () => {
    const env = nodes[0]![1].environment!;
    assert.throws(() => interpolate(env.KEY_ENCRYPTION_SECRET!, {}), /KEY_ENCRYPTION_SECRET/);
    assert.throws(() => interpolate(env.DATABASE_URL!, {}), /POSTGRES_PASSWORD/);
  });
});

describe('deploy/trustgate.service', () => {
  const unit = read('deploy/trustgate.service');
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

  it('runs the built server as an unprivileged user with its environment file', () => {
    const exec = value('ExecStart')!.split(' ');
    assert.equal(exec[0], '/usr/bin/node');
    assert.equal(path.relative('/opt/trustgate', exec[1]!), path.join('dist', 'src', 'main.js'));
    assert.ok(fs.existsSync(path.join(TEST_BUILD, 'src', 'main.js')), 'the file npm run build makes');
    assert.equal(value('WorkingDirectory'), '/opt/trustgate');
    assert.ok(value('User') && value('User') !== 'root');
    assert.equal(value('EnvironmentFile'), '/etc/trustgate/trustgate.env');
    assert.equal(value('NoNewPrivileges'), 'true');
    assert.equal(value('KillSignal'), 'SIGTERM');
  });
});
