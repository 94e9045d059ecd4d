import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/server.js';
import { built } from '../support/build.js';
import { testKeyEnv } from '../support/databases.js';
import { CLI, ROOT } from './run-cli.js';

/** The server entry (`npm start` runs it from dist/), as `npm test` compiled it into test-output/dist. */
export const MAIN = built('src/main.js');

export interface SpawnedServer {
  pid: number;
  origin: string;
  issuer: string;
  /** everything the process wrote so far (JSON log lines on stdout, messages on stderr) */
  output(): string;
  /** standard output alone (the JSON log lines) and standard error alone (the banner, messages) */
  stdout(): string;
  stderr(): string;
  /** the exit code once it exited (null while it runs, or when a signal ended it) */
  exitCode(): number | null;
  stop(): Promise<void>;
}

/**
 * Starts the real server as its own process (`node …/src/main.js`, or `trustgate serve`) on
 * 127.0.0.1 and waits until /readyz answers. `stop()` kills it by pid.
 */
export async function spawnServer(options: {
  databaseUrl: string;
  issuerPath?: string;
  env?: Record<string, string>;
  viaCli?: boolean;
  /** more arguments after `serve` (with viaCli) */
  args?: string[];
}): Promise<SpawnedServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${options.issuerPath ?? '/id'}`;
  const child = spawn(process.execPath, options.viaCli ? [CLI, 'serve', ...(options.args ?? [])] : [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      // one process unless a test asks for a cluster (WORKERS defaults to the number of cores)
      WORKERS: '1',
      ...testKeyEnv(options.databaseUrl, options.env),
      ...options.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER_URL: issuer,
      DATABASE_URL: options.databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const server: SpawnedServer = {
    pid: child.pid!,
    origin,
    issuer,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exitCode: () => child.exitCode,
    stop: () => stopProcess(child),
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`${origin}/readyz`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`server did not become ready: ${output}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs the compiled `src/main.js` with the given environment until it exits (for start-up failures). */
export function runMain(env: Record<string, string>, timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...testKeyEnv(env.DATABASE_URL, env), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
