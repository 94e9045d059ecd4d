import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ACR, acrOf, amrOf, requestedLevel, satisfiesLevel } from './authentication-level.js';

it('amr: each method once, mfa for two factors or a passkey that verified the user', () => {
  assert.deepEqual(amrOf(['pwd']), ['pwd']);
  assert.deepEqual(amrOf(['pwd', 'otp']), ['pwd', 'otp', 'mfa']);
  assert.deepEqual(amrOf(['pwd', 'hwk']), ['pwd', 'hwk', 'mfa']);
  assert.deepEqual(amrOf(['swk'], { userVerified: true }), ['swk', 'mfa']);
  assert.deepEqual(amrOf(['hwk'], { userVerified: false }), ['hwk']);
  assert.deepEqual(amrOf(['otp', 'otp']), ['otp']);
});

it('acr: the level reached, and whether it satisfies what was asked', () => {
  assert.equal(acrOf(['pwd']), ACR.pwd);
  assert.equal(acrOf(['pwd', 'otp', 'mfa']), ACR.mfa);
  assert.equal(acrOf(['hwk', 'mfa']), ACR.phr);
  assert.equal(satisfiesLevel(['pwd', 'otp', 'mfa'], ACR.mfa), true);
  assert.equal(satisfiesLevel(['pwd', 'otp', 'mfa'], ACR.phr), false);
  assert.equal(satisfiesLevel(['pwd'], ACR.mfa), false);
  assert.equal(satisfiesLevel(['swk', 'mfa'], ACR.mfa), true);
});

it('acr_values: the weakest known value is what the request needs; unknown values are ignored', () => {
  assert.equal(requestedLevel([ACR.phr, ACR.mfa]), ACR.mfa);
  assert.equal(requestedLevel(['urn:other:gold', ACR.phr]), ACR.phr);
  assert.equal(requestedLevel(['urn:other:gold']), undefined);
  assert.equal(requestedLevel([]), undefined);
});
