#!/usr/bin/env node
// Transpiles bench/**/*.ts (and examples/erp-api) to dist/bench/**/*.js (one file each, no bundling), so every benchmark
// process — servers, load generator, ceilings — runs on plain node without a loader in its way.
// Relative imports of Trustgate code ('../src/…') resolve to the compiled dist/src/.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'results' || name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

// the sample API (examples/erp-api) runs in the api scenario; it imports trustgate/resource-server,
// which resolves to dist/src/resource-server through the package's own "exports"
const entryPoints = [...walk(benchDir, []), ...walk(join(root, 'examples', 'erp-api'), [])];
await build({
  entryPoints,
  outdir: join(root, 'dist'),
  outbase: root,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
});
console.error(`bench: built ${entryPoints.length} files into ${relative(root, join(root, 'dist'))}/`);
