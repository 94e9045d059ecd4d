import type { JobResult } from '../loadgen/main.js';
import { median, round } from './stats.js';

export interface Ceilings {
  cryptoSignPerSecond?: number;
  joseSignPerSecond?: number;
  argon2VerifyPerSecond?: number;
  argon2Sequential?: number;
  argon2FourAtOnce?: number;
  argon2Params?: { memoryKiB: number; iterations: number; parallelism: number };
  bareHttp?: JobResult;
}

export interface Memory {
  /** MB */
  idle?: number;
  endOfLoad?: number;
  peak?: number;
}

export interface Summary {
  scenario: string;
  target: string;
  rounds: number;
  opsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  errorSamples: string[];
  /** median over rounds of the operations per server CPU-second (warm-up + window), when measured */
  opsPerCpuSecond?: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  smoke: boolean;
  machine: {
    nproc: number;
    cpu: string;
    node: string;
    os: string;
    pinned: boolean;
    note?: string;
    /** 1-minute load average: anything well above 1 means other work shared the cores */
    loadAverage: { atStart: number; atEnd: number };
  };
  servers: Record<string, string>;
  options: Record<string, unknown>;
  ceilings: Ceilings;
  memory: Record<string, Memory>;
  results: JobResult[];
  halfLoad: JobResult[];
  summary: Summary[];
  targets: TargetCheck[];
  seeding?: Record<string, unknown>;
}

export interface TargetCheck {
  target: string;
  figure: string;
  holds: boolean | undefined;
}

/** Medians over rounds per scenario and server; errors add up. */
export function summarize(results: JobResult[]): Summary[] {
  const groups = new Map<string, JobResult[]>();
  for (const r of results) {
    const key = `${r.scenario}\u0000${r.target}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => ({
    scenario: runs[0]!.scenario,
    target: runs[0]!.target,
    rounds: runs.length,
    opsPerSecond: round(median(runs.map((r) => r.opsPerSecond)), 1),
    p50: round(median(runs.map((r) => r.p50)), 2),
    p99: round(median(runs.map((r) => r.p99)), 2),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    errorSamples: [...new Set(runs.flatMap((r) => r.errorSamples))].slice(0, 5),
    ...(runs.every((r) => r.opsPerCpuSecond !== undefined) ? { opsPerCpuSecond: Math.round(median(runs.map((r) => r.opsPerCpuSecond!))) } : {}),
  }));
}

export function find(summary: Summary[], scenario: string, target: string): Summary | undefined {
  return summary.find((s) => s.scenario === scenario && s.target === target);
}

const fmt = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The servers a report names (the extras are absent from older runs). */
export interface Names {
  trustgate: string;
  peer: string;
  seeded: string;
  peerRedis?: string;
  trustgateEs256?: string;
  peerEs256?: string;
  workers2?: string;
}

/** Issue 15's targets, checked against this run's own figures. */
export function checkTargets(report: Omit<BenchReport, 'targets'>, names: Names): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const s = report.summary;
  const tg = (scenario: string) => find(s, scenario, names.trustgate);
  const peer = (scenario: string) => find(s, scenario, names.peer);
  const sign = report.ceilings.cryptoSignPerSecond;
  const twoSignCeiling = sign !== undefined ? sign / 2 : undefined;
  for (const [scenario, share] of [['refresh', 0.75], ['code-exchange', 0.8]] as const) {
    const t = tg(scenario);
    if (t && twoSignCeiling) {
      checks.push({
        target: `${scenario} ≥ ${100 * share} % of the two-signature ceiling (${fmt(share * twoSignCeiling)}/s)`,
        figure: `${fmt(t.opsPerSecond)}/s = ${fmt((100 * t.opsPerSecond) / twoSignCeiling)} % of ${fmt(twoSignCeiling)}/s`,
        holds: t.opsPerSecond >= share * twoSignCeiling,
      });
    }
  }
  const ratio = (scenario: string, a: string | undefined, b: string | undefined, factor: number, label: string) => {
    const x = a ? find(s, scenario, a) : undefined;
    const y = b ? find(s, scenario, b) : undefined;
    if (!x || !y || !(y.opsPerSecond > 0)) return;
    const r = x.opsPerSecond / y.opsPerSecond;
    checks.push({ target: `${label} ≥ ${factor}×`, figure: `${fmt(r, 2)}× (${fmt(x.opsPerSecond)}/s against ${fmt(y.opsPerSecond)}/s)`, holds: r >= factor });
  };
  for (const [scenario, factor] of [['refresh', 1.3], ['code-exchange', 1.4], ['silent-authorize', 2], ['full-flow', 1.4], ['userinfo', 1.3]] as const) {
    ratio(scenario, names.trustgate, names.peer, factor, `${scenario}: ${names.trustgate} / ${names.peer}`);
  }
  for (const scenario of ['refresh', 'full-flow']) {
    ratio(scenario, names.trustgate, names.peerRedis, 1.3, `${scenario}: ${names.trustgate} / ${names.peerRedis}`);
  }
  ratio('refresh', names.trustgateEs256, names.peerEs256, 1.5, `refresh ES256: ${names.trustgateEs256} / ${names.peerEs256}`);
  ratio('refresh', names.trustgateEs256, names.trustgate, 3, `refresh: ${names.trustgateEs256} / ${names.trustgate} (RS256)`);
  // the identity server's own endpoints (api measures the sample API, not Trustgate)
  const half = report.halfLoad.filter((r) => r.target === names.trustgate && r.scenario !== 'api');
  if (half.length > 0) {
    const worst = half.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    checks.push({
      target: 'p99 < 5 ms at half of the maximum throughput (Trustgate endpoints)',
      figure: half.map((r) => `${r.scenario} ${fmt(r.p99, 1)} ms`).join(', '),
      holds: half.every((r) => r.errors === 0 && r.p99 < 5) ? true : worst.p99 >= 5 || worst.errors > 0 ? false : undefined,
    });
  }
  const login = tg('login');
  const argon = report.ceilings.argon2VerifyPerSecond;
  if (login && argon) {
    checks.push({
      target: 'login ≥ 90 % of the argon2id rate',
      figure: `${fmt(login.opsPerSecond, 1)}/s = ${fmt((100 * login.opsPerSecond) / argon)} % of ${fmt(argon, 1)}/s`,
      holds: login.opsPerSecond >= 0.9 * argon,
    });
  }
  const memory = report.memory[names.trustgate];
  if (memory?.idle !== undefined) checks.push({ target: 'RSS idle < 80 MB', figure: `${fmt(memory.idle)} MB`, holds: memory.idle < 80 });
  if (memory?.peak !== undefined) checks.push({ target: 'RSS under load < 150 MB', figure: `${fmt(memory.peak)} MB peak`, holds: memory.peak < 150 });
  const seededRows = s.filter((x) => x.target === names.seeded);
  if (seededRows.length > 0) {
    const worst = seededRows
      .map((x) => ({ scenario: x.scenario, ratio: x.opsPerSecond / (tg(x.scenario)?.opsPerSecond ?? Number.NaN) }))
      .filter((x) => Number.isFinite(x.ratio));
    checks.push({
      target: 'seeded store within 5 % of the empty store',
      figure: worst.map((x) => `${x.scenario} ${fmt(100 * x.ratio)} %`).join(', '),
      holds: worst.length > 0 && worst.every((x) => x.ratio >= 0.95),
    });
  }
  if (names.workers2) {
    const rows = s.filter((x) => x.target === names.workers2 && x.opsPerCpuSecond !== undefined);
    const shares = rows
      .map((x) => ({ scenario: x.scenario, share: x.opsPerCpuSecond! / (tg(x.scenario)?.opsPerCpuSecond ?? Number.NaN) }))
      .filter((x) => Number.isFinite(x.share));
    if (shares.length > 0) {
      checks.push({
        target: `2 workers: ops per server CPU-second ≥ 90 % of 1 worker's (the coordination costs at most 10 %)`,
        figure: shares.map((x) => `${x.scenario} ${fmt(100 * x.share)} %`).join(', '),
        holds: shares.every((x) => x.share >= 0.9),
      });
    }
  }
  return checks;
}

export function markdown(report: BenchReport, names: Names): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`**${report.smoke ? 'Smoke run' : 'Run'} of ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC**`);
  lines.push('');
  lines.push(`- Command: \`${report.command}\``);
  lines.push(`- Machine: ${m.nproc} cores, ${m.cpu}, ${m.os}, Node.js ${m.node}; ${m.pinned ? 'each server pinned to core 0 (`taskset -c 0`), the load generator to core 1 (`taskset -c 1`)' : 'NOT pinned (taskset unavailable or a single core): figures are not per core'}${m.note ? `; ${m.note}` : ''}`);
  lines.push(`- Machine load (1-minute load average, this run adds about 1–2): ${m.loadAverage.atStart} at the start, ${m.loadAverage.atEnd} at the end${m.loadAverage.atStart > 2.5 ? ' — other work shared the cores, so figures are noisy' : ''}`);
  lines.push(`- Servers: ${Object.entries(report.servers).map(([k, v]) => `**${k}** ${v}`).join('; ')}`);
  const o = report.options;
  lines.push(`- Load: ${o.concurrency} concurrent clients over keep-alive connections, ${o.rounds} round(s) of ${o.warmup} s warm-up + ${o.duration} s per scenario and server, alternating servers; figures are medians over rounds`);
  lines.push('');
  const known = [names.trustgate, names.peer, names.peerRedis, names.seeded, names.workers2, names.trustgateEs256, names.peerEs256].filter((n): n is string => n !== undefined);
  const targets = [...known, ...new Set(report.summary.map((s) => s.target))].filter(
    (t, i, all) => all.indexOf(t) === i && report.summary.some((s) => s.target === t),
  );
  const header = ['scenario', ...targets.flatMap((t) => [`${t} ops/s`, 'p50 ms', 'p99 ms', 'errors'])];
  const hasPeer = targets.includes(names.peer);
  const others = targets.filter((t) => t !== names.trustgate && t !== names.peer);
  if (hasPeer) header.push('Trustgate / peer');
  for (const t of others) header.push(`${t} / trustgate`);
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  const scenarios = [...new Set(report.summary.map((s) => s.scenario))];
  for (const scenario of scenarios) {
    const cells = [scenario];
    for (const t of targets) {
      const row = find(report.summary, scenario, t);
      cells.push(row ? fmt(row.opsPerSecond, row.opsPerSecond < 100 ? 1 : 0) : '–', row ? fmt(row.p50, 2) : '–', row ? fmt(row.p99, 2) : '–', row ? String(row.errors) : '–');
    }
    const tg = find(report.summary, scenario, names.trustgate);
    if (hasPeer) {
      const peer = find(report.summary, scenario, names.peer);
      cells.push(tg && peer && peer.opsPerSecond > 0 ? `${fmt(tg.opsPerSecond / peer.opsPerSecond, 2)}×` : '–');
    }
    for (const t of others) {
      const other = find(report.summary, scenario, t);
      cells.push(tg && other && tg.opsPerSecond > 0 ? `${fmt((100 * other.opsPerSecond) / tg.opsPerSecond)} %` : '–');
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  const c = report.ceilings;
  const ceilingParts = [
    c.cryptoSignPerSecond !== undefined ? `RS256 ${fmt(c.cryptoSignPerSecond)} signatures/s with node:crypto (${fmt(c.joseSignPerSecond)}/s through jose CompactSign, as Trustgate signs), so an operation with two signatures tops out at ${fmt(c.cryptoSignPerSecond / 2)}/s` : undefined,
    c.bareHttp ? `bare node:http JSON ${fmt(c.bareHttp.opsPerSecond)} req/s (p50 ${fmt(c.bareHttp.p50, 2)} ms, p99 ${fmt(c.bareHttp.p99, 2)} ms)` : undefined,
    c.argon2VerifyPerSecond !== undefined ? `argon2id ${fmt(c.argon2VerifyPerSecond, 1)} verifications/s (m=${c.argon2Params?.memoryKiB} KiB, t=${c.argon2Params?.iterations}, p=${c.argon2Params?.parallelism}; ${fmt(c.argon2Sequential, 1)}/s one at a time, ${fmt(c.argon2FourAtOnce, 1)}/s four at once)` : undefined,
  ].filter(Boolean);
  if (ceilingParts.length > 0) lines.push(`**Ceilings (same run, one core):** ${ceilingParts.join('; ')}.`);
  else lines.push('**Ceilings:** not measured in this run (`--no-ceilings`).');
  lines.push('');
  if (report.halfLoad.length > 0) {
    lines.push('**Latency at half of each server\'s maximum throughput (open loop, latency from the scheduled start):**');
    lines.push('');
    lines.push('| scenario | server | rate asked | done/s | p50 ms | p99 ms | errors | load generator\'s own loop delay p99 / max ms |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const r of report.halfLoad) {
      const delay = r.loadgenLoopDelay ? `${fmt(r.loadgenLoopDelay.p99, 1)} / ${fmt(r.loadgenLoopDelay.max, 1)}` : '–';
      lines.push(`| ${r.scenario} | ${r.target} | ${fmt(r.targetRate)} | ${fmt(r.opsPerSecond)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ${delay} |`);
    }
    lines.push('');
  }
  const cpuRows = report.summary.filter((x) => x.opsPerCpuSecond !== undefined);
  if (cpuRows.length > 0) {
    const cpuTargets = targets.filter((t) => cpuRows.some((x) => x.target === t));
    lines.push('**Operations per server CPU-second** (user + system time of the server and all its processes over warm-up + window, from /proc; medians over rounds):');
    lines.push('');
    lines.push(`| scenario | ${cpuTargets.join(' | ')} |`);
    lines.push(`|---|${cpuTargets.map(() => '---:').join('|')}|`);
    for (const scenario of scenarios) {
      const cells = cpuTargets.map((t) => fmt(find(report.summary, scenario, t)?.opsPerCpuSecond));
      if (cells.some((c) => c !== '–')) lines.push(`| ${scenario} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('**Memory (VmRSS of the server process):**');
  lines.push('');
  lines.push('| server | idle MB | end of load MB | peak MB |');
  lines.push('|---|---:|---:|---:|');
  for (const [name, mem] of Object.entries(report.memory)) {
    lines.push(`| ${name} | ${fmt(mem.idle)} | ${fmt(mem.endOfLoad)} | ${fmt(mem.peak)} |`);
  }
  lines.push('');
  if (report.targets.length > 0) {
    lines.push('**Targets of issue 15 in this run:**');
    lines.push('');
    lines.push('| target | this run | holds |');
    lines.push('|---|---|---|');
    for (const t of report.targets) lines.push(`| ${t.target} | ${t.figure} | ${t.holds === undefined ? '?' : t.holds ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  const failing = report.summary.filter((s) => s.errors > 0);
  if (failing.length > 0) {
    lines.push('**Errors:**');
    lines.push('');
    for (const s of failing) lines.push(`- ${s.scenario} on ${s.target}: ${s.errors} — ${s.errorSamples.join('; ')}`);
    lines.push('');
  }
  return lines.join('\n');
}
