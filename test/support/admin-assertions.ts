import assert from 'node:assert/strict';
import { AdminError } from '../../src/errors/admin-error.js';

/** Asserts that an admin operation is refused with exactly this message and code. */
export async function refuses(promise: Promise<unknown>, message: string, code: AdminError['code'] = 'invalid'): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AdminError, String(error));
    assert.equal(error.message, message);
    assert.equal(error.code, code);
    return true;
  });
}
