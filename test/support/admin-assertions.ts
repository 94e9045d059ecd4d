import assert from 'node:assert/strict';
import { AdminError } from '../../src/errors/admin-error.js';
import { cliWording } from '../../src/cli/admin-wording.js';

/**
 * Asserts that an admin operation is refused with exactly this message, as the CLI words it (the
 * service's own message speaks of fields, the CLI of its flags; they differ only where a flag is the
 * remedy), and this kind of refusal.
 */
export async function refuses(promise: Promise<unknown>, message: string, code: AdminError['code'] = 'invalid'): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AdminError, String(error));
    assert.equal(cliWording(error), message);
    assert.equal(error.code, code);
    assert.match(error.reason, /^[a-z_]+$/, 'a stable reason code');
    assert.ok(error.fields.length > 0, 'names the fields involved');
    return true;
  });
}
