import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { collect, parseDuration, parseTime } from '../../src/cli/parse.js';
import { describeCliError } from '../../src/cli/cli-error.js';
import { AdminError } from '../../src/errors/admin-error.js';

describe('CLI argument parsing', () => {
  it('durations: seconds or a unit', () => {
    assert.equal(parseDuration('3600'), 3600);
    assert.equal(parseDuration('90s'), 90);
    assert.equal(parseDuration('15m'), 900);
    assert.equal(parseDuration('15min'), 900);
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('30d'), 2592000);
    for (const bad of ['', '-5', '1.5h', '1w', 'soon', '1 h']) {
      assert.throws(() => parseDuration(bad), InvalidArgumentError, bad);
    }
  });

  it('times: ISO 8601 dates and date-times only', () => {
    assert.equal(parseTime('2026-12-31T18:00:00Z'), Date.UTC(2026, 11, 31, 18));
    assert.equal(parseTime('2026-12-31'), Date.UTC(2026, 11, 31));
    assert.equal(parseTime('2026-12-31T18:00:00+01:00'), Date.UTC(2026, 11, 31, 17));
    for (const bad of ['tomorrow', '12/31/2026', '2026-13-45', '1798736400']) {
      assert.throws(() => parseTime(bad), InvalidArgumentError, bad);
    }
  });

  it('repeatable options collect into a list', () => {
    assert.deepEqual(collect('b', collect('a', undefined)), ['a', 'b']);
  });

  it('errors become one line without a stack, and connection passwords are hidden', () => {
    assert.equal(describeCliError(new AdminError('app_not_found', 'no app with ApplicationUri "x"', { kind: 'not_found', fields: ['clientId'] })), 'no app with ApplicationUri "x"');
    assert.equal(describeCliError(new Error('boom')), 'boom', 'the message only, never the stack');
    assert.equal(describeCliError(new Error('first line\n  second line')), 'first line second line');
    const refused = Object.assign(new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:5432')], ''), { code: 'ECONNREFUSED' });
    assert.equal(describeCliError(refused), 'cannot use the database (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:5432');
    assert.equal(
      describeCliError(new Error('password authentication failed for postgres://admin:s3cret@db/x')),
      'cannot use the database (DATABASE_URL): password authentication failed for postgres://admin:***@db/x',
    );
  });
});
