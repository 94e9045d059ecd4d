#!/usr/bin/env node
// Runs every *.test.ts under test/ and src/ with node's test runner (TypeScript through tsx).
// Usage: npm test [-- <file or folder filter>...]
//
// Tests that run compiled code (the CLI, the server as its own process, the demo, the built
// trustgate/resource-server) use a build of their own in test-output/dist, never dist/: `npm run
// build`, `npm run demo`, `npm start` and `npm ci` write or run dist/, and a build there during a test
// run would rewrite the files a test is executing. The "trustgate-test" export condition makes
// `trustgate/resource-server` resolve into the test build (package.json "exports").
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const testBuild = join(root, 'test-output', 'dist');
const testCondition = 'trustgate-test';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const files = [...walk(join(root, 'src'), []), ...walk(join(root, 'test'), [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// the CLI tests run the real compiled program, so build first (into the test build, see above)
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', testBuild], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const env = {
  ...process.env,
  NODE_ENV: 'test',
  // for the test processes and every node process they start with this environment
  NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${testCondition}`].filter(Boolean).join(' '),
  TRUSTGATE_TEST_BUILD: testBuild,
};
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
