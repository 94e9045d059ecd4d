import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ROOT, TEST_BUILD, TEST_EXPORT_CONDITION } from '../support/build.js';
import { CLI } from '../cli/run-cli.js';
import { MAIN } from '../cli/spawn-server.js';

/**
 * `npm test` and `npm run build` / `npm run demo` / `npm start` must not share compiled output: a
 * demo started during a test run once rebuilt dist/ while a CLI test was executing
 * dist/src/cli/main.js. The test helpers run the test build (test-output/dist) instead.
 */
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T;
const inside = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};
const underRunner = process.env.TRUSTGATE_TEST_BUILD !== undefined;

describe('tests run their own build (test-output/dist), never the dist/ that npm run build and the demo write', () => {
  const tsconfig = readJson<{ compilerOptions: { outDir: string } }>('tsconfig.json');
  const productBuild = path.resolve(ROOT, tsconfig.compilerOptions.outDir);
  const pkg = readJson<{ bin: Record<string, string>; scripts: Record<string, string>; exports: Record<string, unknown> }>('package.json');

  it('dist/ is what the package, npm start and the build use (tsconfig.json outDir)', () => {
    assert.equal(productBuild, path.join(ROOT, 'dist'));
    assert.ok(inside(path.resolve(ROOT, pkg.bin.trustgate!), productBuild), `bin ${pkg.bin.trustgate}`);
    assert.equal(pkg.scripts.start, 'node dist/src/main.js');
    assert.equal(pkg.scripts.build, 'tsc -p tsconfig.json');
  });

  it('the CLI and server the tests spawn live in the test build, outside dist/', () => {
    for (const file of [CLI, MAIN]) {
      assert.ok(inside(file, TEST_BUILD), `${file} is in ${TEST_BUILD}`);
      assert.ok(!inside(file, productBuild), `${file} must not be in ${productBuild}`);
    }
    assert.ok(!inside(TEST_BUILD, productBuild) && !inside(productBuild, TEST_BUILD));
  });

  it('trustgate/resource-server has a test-build export under the test condition, dist/ otherwise', () => {
    const target = pkg.exports['./resource-server'] as Record<string, string>;
    assert.ok(inside(path.resolve(ROOT, target[TEST_EXPORT_CONDITION]!), TEST_BUILD), JSON.stringify(target));
    assert.ok(inside(path.resolve(ROOT, target.default!), productBuild), JSON.stringify(target));
  });

  it('under npm test: the runner compiled into the same folder, and this process and its children import the test build', { skip: underRunner ? false : 'not started by npm test (scripts/run-tests.mjs)' }, () => {
    assert.equal(process.env.TRUSTGATE_TEST_BUILD, TEST_BUILD, 'scripts/run-tests.mjs compiles where the helpers look');
    assert.ok(existsSync(CLI) && existsSync(MAIN), 'the runner built the CLI and the server');
    const here = fileURLToPath(import.meta.resolve('trustgate/resource-server'));
    assert.ok(inside(here, TEST_BUILD), `in-process import resolves to ${here}`);
    // a process the tests start with their environment (the demo, the sample API) resolves the same
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('trustgate/resource-server'))"], {
      cwd: ROOT,
      env: process.env,
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    assert.ok(inside(fileURLToPath(child.stdout.trim()), TEST_BUILD), `child process resolves to ${child.stdout.trim()}`);
  });
});
