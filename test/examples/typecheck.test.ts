import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';

// The examples run through tsx (no type check at run time): this keeps them type-correct against
// the published trustgate/resource-server types, openid-client and oidc-client-ts.
it('examples/ type-check (strict) against the built package', () => {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/tsconfig.json'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
