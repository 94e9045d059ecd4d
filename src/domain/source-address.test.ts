import assert from 'node:assert/strict';
import { it } from 'node:test';
import { throttleSource } from './source-address.js';

it('throttle sources: IPv4 as is, IPv6 by its /64, mapped IPv4 as IPv4, anything else "unknown"', () => {
  assert.equal(throttleSource('203.0.113.7'), '203.0.113.7');
  assert.equal(throttleSource('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(throttleSource('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(throttleSource('2001:db8:1:2:ffff::1'), '2001:db8:1:2::/64', 'one /64, one source');
  assert.equal(throttleSource(undefined), 'unknown');
  assert.equal(throttleSource('not an address'), 'unknown');
});
