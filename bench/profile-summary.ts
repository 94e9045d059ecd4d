#!/usr/bin/env node
/**
 * Summarises a V8 CPU profile (node --cpu-prof; `npm run bench -- --cpu-prof` writes one per
 * Trustgate process): where the time goes, by area (Trustgate code, each package, node internals,
 * GC, idle) and by function, self and inclusive.
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile> [--top 25]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [--top N]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const top = Number(values.top);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// self time per node (microseconds)
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const busy = total - idle;

function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/dist\/(src|bench|examples)\/(.+)$/.exec(url);
  if (own) return `trustgate ${own[1]}/${own[2]!.replace(/\/[^/]+$/, '')}`;
  return url;
}

function label(frame: CallFrame): string {
  const url = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${url ? `${url}:${frame.lineNumber + 1}` : ''}`.trim();
}

const pct = (t: number) => `${((100 * t) / busy).toFixed(1)} %`;

const areas = new Map<string, number>();
const functionsSelf = new Map<string, number>();
for (const [id, t] of self) {
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') continue;
  areas.set(area(frame), (areas.get(area(frame)) ?? 0) + t);
  functionsSelf.set(label(frame), (functionsSelf.get(label(frame)) ?? 0) + t);
}

// inclusive time per function: each sample counts once for every distinct function on its stack
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  if (byId.get(id)?.callFrame.functionName === '(idle)') return;
  const seen = new Set<string>();
  for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
    const l = label(byId.get(node)!.callFrame);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
});

const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
const out: string[] = [];
out.push(`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * idle) / total).toFixed(0)} % idle); shares below are of busy time`);
out.push('', 'by area (self time):');
for (const [name, t] of sorted(areas).slice(0, top)) out.push(`  ${pct(t).padStart(7)}  ${name}`);
out.push('', 'functions by self time:');
for (const [name, t] of sorted(functionsSelf).slice(0, top)) out.push(`  ${pct(t).padStart(7)}  ${name}`);
out.push('', 'functions by inclusive time (Trustgate code and named packages):');
for (const [name, t] of sorted(inclusive)
  .filter(([name]) => !name.startsWith('(') && !/^(processTicksAndRejections|runMicrotasks|listOnTimeout|emit) /.test(name))
  .slice(0, top)) {
  out.push(`  ${pct(t).padStart(7)}  ${name}`);
}
process.stdout.write(`${out.join('\n')}\n`);
