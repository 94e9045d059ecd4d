import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const ticksPerSecond = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

function ownTicks(pid: number): number {
  try {
    // fields after the command name (which is in parentheses and may hold spaces): utime is the 14th
    // field of the line, stime the 15th
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/**
 * CPU seconds (user + system) used so far by a process and its living descendants (a cluster's
 * primary and its workers), from /proc. A descendant that exited in between is not counted.
 */
export function treeCpuSeconds(pid: number): number {
  return [...treeCpuByProcess(pid).values()].reduce((a, b) => a + b, 0);
}

/** The same, per process id (the root first). */
export function treeCpuByProcess(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    out.set(next, ownTicks(next) / ticksPerSecond);
    queue.push(...children(next));
  }
  return out;
}
