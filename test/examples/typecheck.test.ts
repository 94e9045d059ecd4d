import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { TEST_EXPORT_CONDITION } from '../support/build.js';

// The examples run through tsx (no type check at run time): this keeps them type-correct against
// the published trustgate/resource-server types, openid-client and oidc-client-ts. The package's
// declarations are those of the test build (the "trustgate-test" export condition), not dist/.
it('examples/ type-check (strict) against the built package', () => {
  const result = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'examples/tsconfig.json', '--customConditions', TEST_EXPORT_CONDITION],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
