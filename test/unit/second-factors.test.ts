import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestUser } from '../support/fixtures.js';
import { testClock } from '../support/token-helpers.js';
import { inspectDatabase } from '../support/inspect-database.js';
import { confirmTotpEnrolment, startTotpEnrolment, verifyTotpCode } from '../../src/second-factors/totp.js';
import { issueRecoveryCodes } from '../../src/second-factors/recovery-codes.js';
import { attemptSecondFactor } from '../../src/second-factors/second-factor-attempt.js';
import type { User } from '../../src/domain/user.js';

/** The code an authenticator app would show for `secret` at `at` (epoch ms). */
function codeAt(secret: string, at: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });
}

describeEachDatabase('second factors: TOTP (RFC 6238) and recovery codes', (database) => {
  let server: TestServer;
  const clock = testClock(Date.UTC(2026, 11, 2, 12, 0, 0));
  const ctx = () => server.app.ctx;
  let user: User;
  before(async () => {
    server = await startTestServer({
      databaseUrl: database().url,
      now: clock.now,
      env: { KEY_ENCRYPTION_SECRET: 'second factor test secret', ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' },
    });
    ({ user } = await createTestUser(ctx(), { login: 'otp-user' }));
  });
  after(async () => server?.close());

  it('enrolment: the app proves it has the secret with a code; the secret is stored encrypted', async () => {
    const enrolment = await startTotpEnrolment(ctx(), user);
    assert.match(enrolment.uri, /^otpauth:\/\/totp\/Trustgate:otp-user\?/);
    assert.match(enrolment.qrSvg, /^<svg/);
    assert.equal(await confirmTotpEnrolment(ctx(), user, enrolment.credentialId, '000000'), false);
    assert.equal(await verifyTotpCode(ctx(), user, codeAt(enrolment.secret, clock.now())), false, 'not usable before it is confirmed');
    assert.equal(await confirmTotpEnrolment(ctx(), user, enrolment.credentialId, codeAt(enrolment.secret, clock.now())), true);
    const rows = await (await inspectDatabase(ctx())).selectFrom('totp_credentials').select('secret').execute();
    assert.ok(rows.every((row) => row.secret.startsWith('jwe:') && !row.secret.includes(enrolment.secret)));
    clock.advance(30);
    const code = codeAt(enrolment.secret, clock.now());
    assert.equal(await verifyTotpCode(ctx(), user, code.replace(/(\d{3})/, '$1 ')), true, 'typed with a space');
    assert.equal(await verifyTotpCode(ctx(), user, code), false, 'a code is accepted once');
    clock.advance(30);
    assert.equal(await verifyTotpCode(ctx(), user, codeAt(enrolment.secret, clock.now() - 30_000)), false, 'an older step never again');
    assert.equal(await verifyTotpCode(ctx(), user, codeAt(enrolment.secret, clock.now() + 30_000)), true, 'one step of drift is fine');
    clock.advance(120);
    assert.equal(await verifyTotpCode(ctx(), user, codeAt(enrolment.secret, clock.now() - 90_000)), false, 'three steps old is too old');
  });

  it('recovery codes work once each, whatever the case and dashes; a new set replaces the old', async () => {
    const codes = await issueRecoveryCodes(ctx(), user.id);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    const first = await attemptSecondFactor(ctx(), user, codes[0]!.toUpperCase().replaceAll('-', ' '), 'app');
    assert.deepEqual(first, { kind: 'verified', via: 'recovery_code' });
    assert.deepEqual(await attemptSecondFactor(ctx(), user, codes[0]!, 'app'), { kind: 'failed' });
    await issueRecoveryCodes(ctx(), user.id);
    assert.deepEqual(await attemptSecondFactor(ctx(), user, codes[1]!, 'app'), { kind: 'failed' });
  });

  it('second-factor attempts are throttled per user: past the limit a right code is refused unchecked', async () => {
    const { user: guessed } = await createTestUser(ctx(), { login: 'guessed' });
    const enrolment = await startTotpEnrolment(ctx(), guessed);
    await confirmTotpEnrolment(ctx(), guessed, enrolment.credentialId, codeAt(enrolment.secret, clock.now()));
    clock.advance(30);
    const limit = ctx().config.throttle.secondFactorLimit;
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => attemptSecondFactor(ctx(), guessed, String(100000 + i), 'app')));
    assert.equal(guesses.filter((g) => g.kind === 'failed').length, limit, 'exactly the limit were checked');
    assert.equal(guesses.filter((g) => g.kind === 'refused').length, 20 - limit);
    const right = await attemptSecondFactor(ctx(), guessed, codeAt(enrolment.secret, clock.now()), 'app');
    assert.equal(right.kind, 'refused');
  });
});
