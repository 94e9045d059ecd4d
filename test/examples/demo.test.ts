import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { TEST_BUILD } from '../support/build.js';

/** Four consecutive free ports on 127.0.0.1. */
async function freeRange(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let i = 0; i < 4 && ok; i += 1) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range');
}

/** generous: the demo runs ten CLI commands (argon2id included) and starts four processes, on a shared machine */
const START_TIMEOUT_MS = 180_000;

/**
 * Runs `npm run demo` on the test build (npm test compiled it; dist/ is left alone) until it prints its
 * URLs. A demo that does not get there in time is stopped before the promise rejects: left running, it
 * kept this test file, and so the whole test run, from ever finishing.
 */
function startDemo(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/demo.mjs'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      const error = new Error(`demo did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
      stopDemo(child).then(() => reject(error), reject);
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('(internal user)') && output.includes('(community user)')) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output}`));
    });
  });
}

async function stopDemo(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.removeAllListeners('exit');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

describe('npm run demo', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-demo-'));
  let running: ChildProcess | undefined;
  after(async () => {
    if (running) await stopDemo(running);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything, prints URLs and credentials, stops on Ctrl-C, and a second run reuses the registrations', async () => {
    const base = await freeRange();
    const env = { DEMO_PORT: String(base), DEMO_DATA_DIR: dataDir, DEMO_SKIP_BUILD: '1', DEMO_BUILD_DIR: TEST_BUILD };

    const first = await startDemo(env);
    running = first.child;
    assert.match(first.output, /apps registered, registered, registered/);
    assert.match(first.output, new RegExp(`Web app \\(confidential, server-side\\): +http://127\\.0\\.0\\.1:${base + 2}`));
    assert.match(first.output, /demo +password violet-harbor-lantern/);
    const discovery = (await (await fetch(`http://127.0.0.1:${base}/id/.well-known/openid-configuration`)).json()) as { issuer: string };
    assert.equal(discovery.issuer, `http://127.0.0.1:${base}/id`);
    const web = await fetch(`http://127.0.0.1:${base + 2}/login`, { redirect: 'manual' });
    assert.equal(web.status, 303);
    assert.ok(web.headers.get('location')!.startsWith(`http://127.0.0.1:${base}/id/connect/authorize?`));
    const api = await fetch(`http://127.0.0.1:${base + 1}/api/customers`);
    assert.equal(api.status, 401);
    assert.equal(await stopDemo(first.child), 0);
    running = undefined;
    assert.ok(fs.statSync(path.join(dataDir, 'web-app.secret')).mode % 0o1000 === 0o600, 'the demo secret file is private');

    const second = await startDemo(env);
    running = second.child;
    assert.match(second.output, /apps updated, updated, updated/);
    const authorize = await fetch(`http://127.0.0.1:${base + 2}/login`, { redirect: 'manual' });
    const interaction = await fetch(authorize.headers.get('location')!, { redirect: 'manual' });
    assert.equal(interaction.status, 303, 'the re-registered web app is accepted by /connect/authorize');
    assert.equal(await stopDemo(second.child), 0);
    running = undefined;
  });
});
