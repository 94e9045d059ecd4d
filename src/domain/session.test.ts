import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSessionLive, sessionNeedsTouch, type Session } from './session.js';

const lifetimes = { idleMs: 3_600_000, absoluteMs: 36_000_000 };
const session = (lastSeenAt: number): Session => ({
  idHash: 'h', sid: 's', userId: 'u', authTime: 0, amr: ['pwd'], createdAt: 0, lastSeenAt, expiresAt: 36_000_000, endedAt: null,
});

describe('session idle expiry', () => {
  it('is not recorded again within a minute of the last use (one write saved per authorization)', () => {
    assert.equal(sessionNeedsTouch(session(1_000_000), 1_000_000 + 59_999, lifetimes), false);
    assert.equal(sessionNeedsTouch(session(1_000_000), 1_000_000 + 60_000, lifetimes), true);
  });

  it('with a short idle lifetime, is recorded after a tenth of it, so sliding stays accurate', () => {
    const short = { idleMs: 120_000, absoluteMs: 36_000_000 };
    assert.equal(sessionNeedsTouch(session(0), 11_999, short), false);
    assert.equal(sessionNeedsTouch(session(0), 12_000, short), true);
  });

  it('a session idle longer than the idle lifetime no longer authorizes', () => {
    assert.equal(isSessionLive(session(0), 3_599_999, lifetimes), true);
    assert.equal(isSessionLive(session(0), 3_600_000, lifetimes), false);
  });
});
