import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where `npm test` compiles Trustgate (scripts/run-tests.mjs runs `tsc --outDir test-output/dist`).
 * Tests run the compiled program from here, never from dist/: `npm run build`, `npm run demo`,
 * `npm start` and `npm ci` (prepare) write or run dist/, so a demo started during a test run would
 * otherwise rewrite the files a CLI test is executing.
 */
export const TEST_BUILD = path.join(ROOT, 'test-output', 'dist');

/**
 * The export condition under which `trustgate/resource-server` (package.json "exports") resolves
 * into TEST_BUILD; the test runner sets it (NODE_OPTIONS=--conditions=…) for the tests and the
 * processes they start.
 */
export const TEST_EXPORT_CONDITION = 'trustgate-test';

/** A compiled file of the test build, e.g. built('src/cli/main.js'). */
export function built(file: string): string {
  return path.join(TEST_BUILD, file);
}
