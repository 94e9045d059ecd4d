import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkClientId } from '../../src/checks/registration/client-id.js';
import { checkScopes } from '../../src/checks/registration/scopes.js';
import { checkClientSecret } from '../../src/checks/registration/secret.js';
import { checkAccessTokenLifetime, checkRefreshTokenLifetime } from '../../src/checks/registration/lifetimes.js';
import { checkDisplayName } from '../../src/checks/registration/display-name.js';
import { checkEmail, checkLocale, checkLogin, checkUserKind } from '../../src/checks/registration/user-fields.js';
import { AdminError } from '../../src/errors/admin-error.js';
import { cliWording } from '../../src/cli/admin-wording.js';

describe('registration rule: ApplicationUri (client_id)', () => {
  it('accepts safe printable identifiers such as my.trusted.app/first and com.vendor/app', () => {
    for (const id of ['my.trusted.app/first', 'com.vendor/app', 'urn:example:app', 'App_1~x-y@tenant', 'a', 'https://app.example.com/x?y=1', "it's+a&b=c%20d"]) {
      assert.equal(checkClientId(id), id);
    }
  });

  it('refuses empty, over-long and unsafe identifiers, naming the value', () => {
    assert.throws(() => checkClientId(''), { message: 'the ApplicationUri (client_id) must not be empty' });
    assert.throws(() => checkClientId('a'.repeat(201)), /is too long: at most 200 characters/);
    assert.equal(checkClientId('a'.repeat(200)).length, 200);
    const rule = 'must use only visible ASCII characters (no spaces, control characters, non-ASCII letters, quotes, backslashes, backticks or angle brackets)';
    for (const id of ['my app', 'app"x', 'a\\b', 'a`b', '<script>', 'a>b', 'ünïcode', 'tab\tx', 'new\nline', ' lead']) {
      assert.throws(() => checkClientId(id), { message: `the ApplicationUri ${JSON.stringify(id)} is refused: it ${rule}` });
    }
  });
});

describe('registration rule: scopes (RFC 6749 3.3)', () => {
  it('splits space-delimited scopes and keeps API scopes in order without duplicates', () => {
    assert.deepEqual(checkScopes('read update', true), ['read', 'update']);
    assert.deepEqual(checkScopes('read  read DomainApi', true), ['read', 'DomainApi']);
    assert.deepEqual(checkScopes(['update', 'read'], true), ['update', 'read']);
    assert.deepEqual(checkScopes('', true), []);
  });

  it('accepts and drops protocol scopes (always available to every app)', () => {
    assert.deepEqual(checkScopes('openid profile email offline_access read', true), ['read']);
  });

  it('refuses offline_access when refresh tokens are off', () => {
    assert.throws(() => checkScopes('read offline_access', false), {
      message: 'the scope "offline_access" asks for refresh tokens, but refresh tokens are turned off for this app',
    });
  });

  it('refuses the reserved sec scope', () => {
    assert.throws(() => checkScopes('read sec', true), {
      message: 'the scope "sec" is reserved for the instance\'s security infrastructure and cannot be given to an app',
    });
  });

  it('refuses characters outside NQCHAR and other separators than one space', () => {
    for (const bad of ['re"ad', 'back\\slash', 'ünï']) {
      assert.throws(() => checkScopes(`read ${bad}`, true), {
        message: `the scope ${JSON.stringify(bad)} is refused: a scope is 1 to 100 printable characters without spaces, quotes (") or backslashes (RFC 6749 section 3.3)`,
      });
    }
    assert.throws(() => checkScopes('read\tupdate', true), { message: 'scopes must be separated by single spaces, e.g. "read update"' });
    assert.throws(() => checkScopes('x'.repeat(101), true), /is refused: a scope is 1 to 100 printable characters/);
    assert.throws(() => checkScopes(Array.from({ length: 51 }, (_, i) => `s${i}`), true), { message: 'too many scopes: at most 50' });
  });
});

describe('registration rule: client secrets given by hand', () => {
  it('refuses fewer than 32 characters and says why', () => {
    assert.throws(() => checkClientSecret('a'.repeat(31)), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.equal(
        cliWording(error),
        'the client secret is too short: it must be at least 32 characters so it cannot be guessed (secrets are stored as SHA-256 hashes, not slow password hashes); or use --generate-secret',
      );
      assert.deepEqual([error.reason, error.fields], ['secret_too_short', ['secret']]);
      return true;
    });
    assert.equal(checkClientSecret('a'.repeat(32)), 'a'.repeat(32));
  });

  it('refuses spaces, control characters and over-long values', () => {
    assert.throws(() => checkClientSecret(`${'a'.repeat(32)} b`), { message: 'the client secret must use printable ASCII characters only, without spaces' });
    assert.throws(() => checkClientSecret(`${'a'.repeat(32)}\n`), { message: 'the client secret must use printable ASCII characters only, without spaces' });
    assert.throws(() => checkClientSecret('a'.repeat(513)), { message: 'the client secret is too long: at most 512 characters' });
  });
});

describe('registration rule: token lifetimes', () => {
  it('accepts positive whole seconds within bounds', () => {
    assert.equal(checkAccessTokenLifetime(3600), 3600);
    assert.equal(checkAccessTokenLifetime(60), 60);
    assert.equal(checkAccessTokenLifetime(86400), 86400);
    assert.equal(checkRefreshTokenLifetime(30 * 86400), 30 * 86400);
  });

  it('refuses zero, negative, fractional and unbounded lifetimes', () => {
    for (const bad of [0, -1, 59, 86401, 1.5, Number.NaN]) {
      assert.throws(() => checkAccessTokenLifetime(bad), {
        message: `the access-token lifetime must be a whole number of seconds between 60 and 86400, got ${String(bad)}`,
      });
    }
    for (const bad of [0, 299, 366 * 86400 + 1]) {
      assert.throws(() => checkRefreshTokenLifetime(bad), {
        message: `the refresh-token lifetime must be a whole number of seconds between 300 and 31622400, got ${bad}`,
      });
    }
  });
});

describe('registration rule: names and user fields', () => {
  it('display names are trimmed, non-empty, bounded and free of control characters', () => {
    assert.equal(checkDisplayName('  My App  ', 'app name'), 'My App');
    assert.throws(() => checkDisplayName('   ', 'app name'), { message: 'the app name must not be empty' });
    assert.throws(() => checkDisplayName('x'.repeat(201), 'app name'), { message: 'the app name is too long: at most 200 characters' });
    assert.throws(() => checkDisplayName('a\u0000b', 'app name'), { message: 'the app name must not contain control characters' });
  });

  it('logins have no spaces, quotes or angle brackets and at most 128 characters', () => {
    assert.equal(checkLogin('jane.doe@example.com'), 'jane.doe@example.com');
    assert.throws(() => checkLogin(''), { message: 'the login must not be empty' });
    assert.throws(() => checkLogin('jane doe'), { message: 'the login "jane doe" is refused: no spaces, control characters, quotes or angle brackets' });
    assert.throws(() => checkLogin('<b>'), { message: 'the login "<b>" is refused: no spaces, control characters, quotes or angle brackets' });
    assert.throws(() => checkLogin('x'.repeat(129)), { message: 'the login is too long: at most 128 characters' });
  });

  it('emails, locales and user kinds are checked', () => {
    assert.equal(checkEmail('jane@example.com'), 'jane@example.com');
    for (const bad of ['jane', 'jane@', '@example.com', 'jane@example', 'ja ne@example.com']) {
      assert.throws(() => checkEmail(bad), { message: `the email address ${JSON.stringify(bad)} is not valid` });
    }
    assert.equal(checkLocale('nl-NL'), 'nl-NL');
    assert.throws(() => checkLocale('english please'), { message: 'the locale "english please" is not a language tag such as en or nl-NL' });
    assert.equal(checkUserKind('community'), 'community');
    assert.throws(() => checkUserKind('robot'), { message: 'the user kind must be internal or community, got "robot"' });
  });
});
