import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether processes can be pinned to cores (taskset present and at least two cores). */
export function canPin(): boolean {
  if (os.availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

export interface Pinning {
  enabled: boolean;
  serverCore: number;
  loadCore: number;
}

/** The command line for a node script, pinned to one core with taskset when pinning is on. */
function command(pinning: Pinning, core: number | string, script: string, args: string[], nodeArgs: string[] = []): [string, string[]] {
  const node = [...nodeArgs, script, ...args];
  return pinning.enabled ? ['taskset', ['-c', String(core), process.execPath, ...node]] : [process.execPath, node];
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
}

/** Starts a long-running server process (stdout and stderr to a log file) pinned to the server core. */
export function startServer(
  pinning: Pinning,
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeArgs: string[] = [],
  /** a taskset core list instead of the server core (e.g. `0,1`) */
  cores?: string,
): ServerProcess {
  const fd = fs.openSync(logFile, 'a');
  const [cmd, args] = command(pinning, cores ?? pinning.serverCore, script, [], nodeArgs);
  const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, child, pid: child.pid, logFile };
}

/** Waits until GET url answers 200, or fails with the end of the server's log. */
export async function waitReady(server: ServerProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) break;
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const log = fs.existsSync(server.logFile) ? fs.readFileSync(server.logFile, 'utf8').slice(-2000) : '';
  throw new Error(`${server.name} did not become ready at ${url}${server.child.exitCode !== null ? ` (exited ${server.child.exitCode})` : ''}\n${log}`);
}

/** Stops a server we started, by its pid: SIGTERM, then SIGKILL after a grace period. */
export async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in MB (VmRSS from /proc/<pid>/status). */
export function rssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Math.round((Number(kb) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a node script to completion on the given core and returns its stdout (throws on failure). */
export async function runToCompletion(
  pinning: Pinning,
  core: number,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  nodeArgs: string[] = [],
): Promise<string> {
  const [cmd, argv] = command(pinning, core, script, args, nodeArgs);
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  if (code !== 0) throw new Error(`${script} failed (exit ${code}): ${stderr.trim().slice(-1500)}`);
  return stdout;
}
