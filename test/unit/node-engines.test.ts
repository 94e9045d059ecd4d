import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

/**
 * Trustgate runs on Node.js 20.11 or later (package.json "engines", README). A dependency that
 * declares a newer Node (cookie@2 wants Node 22, undici 7 wants 20.18.1) makes `npm ci` warn
 * EBADENGINE on a supported Node and may use APIs that Node lacks, so none may be installed.
 */
const OLDEST_SUPPORTED = '20.11.0';

interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: Record<string, string> | string[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as T;
}

/** The node range a package declares; old packages may list engines as an array of "node >= x" strings. */
function nodeRange(engines: LockedPackage['engines']): string | undefined {
  if (!engines) return undefined;
  if (Array.isArray(engines)) {
    const entry = engines.find((e) => /^node\b/.test(e));
    return entry?.replace(/^node\s*/, '');
  }
  return engines.node;
}

describe('Node.js version: every installed package runs on the oldest Node the project supports', () => {
  it(`package.json "engines" and README both say Node.js ${OLDEST_SUPPORTED.replace(/\.0$/, '')} or later`, () => {
    const pkg = readJson<{ engines?: { node?: string } }>('package.json');
    const range = pkg.engines?.node;
    assert.ok(range, 'package.json declares engines.node');
    assert.equal(semver.minVersion(range)?.version, OLDEST_SUPPORTED, `engines.node "${range}"`);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.match(readme, /\(Node\.js 20\.11 or later\)/, 'README states the same minimum');
  });

  it(`no package in package-lock.json (dev or not) requires a Node newer than ${OLDEST_SUPPORTED}`, () => {
    const lock = readJson<{ packages: Record<string, LockedPackage> }>('package-lock.json');
    const tooNew: string[] = [];
    let checked = 0;
    for (const [location, entry] of Object.entries(lock.packages)) {
      const range = nodeRange(entry.engines);
      if (range === undefined) continue;
      checked += 1;
      const name = location === '' ? 'trustgate (package.json)' : `${location.replace(/^.*node_modules\//, '')}@${entry.version}`;
      if (semver.validRange(range) === null) tooNew.push(`${name}: engines.node "${range}" is not a valid range`);
      else if (!semver.satisfies(OLDEST_SUPPORTED, range)) tooNew.push(`${name}${entry.dev ? ' (dev)' : ''}: engines.node "${range}"`);
    }
    assert.ok(checked > 10, `found ${checked} packages that declare engines.node; is package-lock.json readable?`);
    assert.deepEqual(tooNew, [], `these packages do not support Node ${OLDEST_SUPPORTED}; pin an older version (see "overrides")`);
  });
});
