#!/usr/bin/env node
/**
 * The load generator: runs one job (one scenario against one server) and prints its result as one
 * JSON line on stdout. Started by bench/run.ts pinned to its own core (taskset -c 1).
 *
 *   node dist/bench/loadgen/main.js '<job JSON>'
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Http } from '../lib/http.js';
import { treeCpuByProcess } from '../lib/cpu.js';
import { discover, type Endpoints, type TargetInfo } from '../lib/oauth.js';
import { closedLoop, pacedLoop, type RunResult } from './measure.js';
import { prepare, type ScenarioContext, type ScenarioName } from './scenarios.js';

export interface Job {
  scenario: ScenarioName;
  target: TargetInfo;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** closed loop (maximum throughput) or an open loop at `rate` operations per second */
  mode: 'closed' | 'paced';
  rate?: number;
  codes: number;
  /** bare: the URL to GET */
  url?: string;
  /** the server's process id: its CPU time (with its workers') over the run gives ops per CPU-second */
  serverPid?: number;
}

export interface JobResult extends RunResult {
  scenario: ScenarioName;
  target: string;
  mode: Job['mode'];
  setupSeconds: number;
  notes: Record<string, number | string>;
  /** set when the scenario could not even be prepared */
  failed?: string;
  /**
   * the load generator's own event-loop delay while it ran the scenario (ms): when its p99 or max is
   * high, part of the measured latency is the client's, not the server's
   */
  loadgenLoopDelay?: { p99: number; max: number };
  /** CPU seconds the server (all its processes) used during warm-up + window, and operations per CPU-second over the same span */
  serverCpuSeconds?: number;
  opsPerCpuSecond?: number;
  /** --count-queries: SQL statements per operation and their mean time, by text */
  statements?: Record<string, { perOp: number; meanMicros: number }>;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  const origin = new URL(job.url ?? job.target.issuer).origin;
  const http = new Http(origin, job.concurrency);
  const notes: Record<string, number | string> = {};
  const setupStart = performance.now();
  let result: JobResult;
  try {
    const endpoints: Endpoints =
      job.scenario === 'bare' ? { authorization: '', token: '', userinfo: '' } : await discover(http, job.target.issuer);
    const ctx: ScenarioContext = { target: job.target, endpoints, http, concurrency: job.concurrency, codes: job.codes, url: job.url, notes };
    const workload = await prepare(job.scenario, ctx);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpuBefore = job.serverPid ? treeCpuByProcess(job.serverPid) : undefined;
    const run =
      job.mode === 'paced'
        ? await pacedLoop(workload, job.rate ?? 1, job.warmupMs, job.durationMs)
        : await closedLoop(workload, job.warmupMs, job.durationMs);
    loopDelay.disable();
    const cpuAfter = job.serverPid ? treeCpuByProcess(job.serverPid) : undefined;
    let cpu: number | undefined;
    if (cpuBefore && cpuAfter) {
      // per process (the root first: a cluster's primary), then the sum
      const parts = [...cpuAfter].map(([pid, after]) => Math.max(0, after - (cpuBefore.get(pid) ?? 0)));
      cpu = parts.reduce((a, b) => a + b, 0);
      if (parts.length > 1) notes.serverCpuByProcess = parts.map((p) => p.toFixed(2)).join(' + ');
    }
    result = {
      scenario: job.scenario,
      target: job.target.name,
      mode: job.mode,
      setupSeconds: Math.round(setupSeconds * 10) / 10,
      notes,
      ...run,
      ...(cpu !== undefined && cpu > 0 ? { serverCpuSeconds: Math.round(cpu * 100) / 100, opsPerCpuSecond: Math.round(run.totalOps / cpu) } : {}),
      // the histogram holds whole sampling intervals: the delay is what exceeds the 5 ms resolution
      loadgenLoopDelay: {
        p99: Math.max(0, Math.round(loopDelay.percentile(99) / 1e4) / 100 - 5),
        max: Math.max(0, Math.round(loopDelay.max / 1e4) / 100 - 5),
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = {
      scenario: job.scenario,
      target: job.target.name,
      mode: job.mode,
      setupSeconds: Math.round((performance.now() - setupStart) / 100) / 10,
      notes,
      ops: 0,
      errors: 1,
      errorSamples: [`setup failed: ${message}`],
      seconds: 0,
      opsPerSecond: 0,
      p50: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      totalOps: 0,
      failed: message,
    };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // do not wait for keep-alive sockets to close
  process.exit(0);
}

void main();
