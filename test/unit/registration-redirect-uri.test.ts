import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRedirectUri, checkRedirectUris } from '../../src/checks/registration/redirect-uri.js';
import { AdminError } from '../../src/errors/admin-error.js';

function refused(uri: string, message: string, kind: 'login' | 'logout' = 'login') {
  assert.throws(() => checkRedirectUri(uri, kind), (error: unknown) => {
    assert.ok(error instanceof AdminError);
    assert.equal(error.message, message);
    return true;
  });
}

describe('registration rule: redirect URIs', () => {
  it('accepts https URIs, with a port and a query, exactly as given', () => {
    for (const uri of [
      'https://app.example.com/auth/callback',
      'https://spa.example.com/index.html',
      'https://localhost:5001/signin-callback',
      'https://app.example.com/cb?tenant=a&x=1',
      'HTTPS://App.Example.com/Callback',
    ]) {
      assert.equal(checkRedirectUri(uri), uri);
    }
  });

  it('accepts http only for loopback hosts (RFC 8252 7.3)', () => {
    for (const uri of ['http://127.0.0.1:53177/callback', 'http://[::1]:8080/cb', 'http://localhost:3000/cb', 'http://127.0.0.1/cb']) {
      assert.equal(checkRedirectUri(uri), uri);
    }
    refused(
      'http://app.example.com/cb',
      'the login redirect URI "http://app.example.com/cb" is refused: http is only allowed for loopback hosts (http://127.0.0.1, http://[::1], http://localhost); use https',
    );
    refused(
      'http://127.0.0.1.evil.example/cb',
      'the login redirect URI "http://127.0.0.1.evil.example/cb" is refused: http is only allowed for loopback hosts (http://127.0.0.1, http://[::1], http://localhost); use https',
    );
    refused(
      'http://localhost.evil.example/cb',
      'the login redirect URI "http://localhost.evil.example/cb" is refused: http is only allowed for loopback hosts (http://127.0.0.1, http://[::1], http://localhost); use https',
    );
  });

  it('accepts private-use schemes of native apps (RFC 8252 7.1), reverse-DNS or the documented myapp:// form', () => {
    for (const uri of ['com.example.app:/callback', 'com.example.app://auth/callback', 'io.vendor.mobile-app:/oauth2redirect', 'myapp://auth/callback']) {
      assert.equal(checkRedirectUri(uri), uri);
    }
    refused(
      'x1://auth/callback',
      'the login redirect URI "x1://auth/callback" is refused: the "x1:" scheme is not a usable private-use scheme (RFC 8252 section 7.1: use a scheme you own, preferably reverse-DNS such as com.example.app:/callback)',
    );
    refused('mailto:someone@example.com', 'the login redirect URI "mailto:someone@example.com" is refused: the "mailto:" scheme can never be a redirect target');
    refused('com.example.app:', 'the login redirect URI "com.example.app:" is refused: it has nothing after the scheme; add a path such as :/callback');
  });

  it('refuses schemes that can never be a redirect target', () => {
    for (const scheme of ['javascript', 'data', 'file', 'vbscript', 'blob', 'ftp', 'ws']) {
      const uri = `${scheme}:${scheme === 'file' ? '///etc/passwd' : '//x/alert(1)'}`;
      refused(uri, `the login redirect URI ${JSON.stringify(uri)} is refused: the "${scheme}:" scheme can never be a redirect target`);
    }
    refused('JavaScript:alert(1)', 'the login redirect URI "JavaScript:alert(1)" is refused: the "javascript:" scheme can never be a redirect target');
  });

  it('refuses fragments (RFC 6749 3.1.2)', () => {
    refused(
      'https://app.example.com/cb#done',
      'the login redirect URI "https://app.example.com/cb#done" is refused: it must not contain a fragment (#...) (RFC 6749 section 3.1.2)',
    );
    refused(
      'https://app.example.com/cb#',
      'the login redirect URI "https://app.example.com/cb#" is refused: it must not contain a fragment (#...) (RFC 6749 section 3.1.2)',
    );
  });

  it('refuses wildcards', () => {
    refused(
      'https://*.example.com/cb',
      'the login redirect URI "https://*.example.com/cb" is refused: wildcards (*) are not allowed; register every URI exactly',
    );
    refused(
      'https://app.example.com/*',
      'the login redirect URI "https://app.example.com/*" is refused: wildcards (*) are not allowed; register every URI exactly',
    );
  });

  it('refuses relative URIs, credentials, spaces and non-ASCII text', () => {
    refused('/callback', 'the login redirect URI "/callback" is refused: it must be an absolute URI such as https://app.example.com/callback');
    refused('app.example.com/cb', 'the login redirect URI "app.example.com/cb" is refused: it must be an absolute URI such as https://app.example.com/callback');
    refused('https://user:pw@app.example.com/cb', 'the login redirect URI "https://user:pw@app.example.com/cb" is refused: it must not contain user credentials (user:password@)');
    refused('https://app.example.com/a b', 'the login redirect URI "https://app.example.com/a b" is refused: it contains spaces or control characters');
    refused('https://app.example.com/é', 'the login redirect URI "https://app.example.com/é" is refused: it contains non-ASCII characters; percent-encode them');
    refused('https://', 'the login redirect URI "https://" is refused: it is not a valid absolute URI');
  });

  it('names the kind of URI (logout) in the message', () => {
    refused(
      'http://app.example.com/out',
      'the logout redirect URI "http://app.example.com/out" is refused: http is only allowed for loopback hosts (http://127.0.0.1, http://[::1], http://localhost); use https',
      'logout',
    );
  });

  it('limits length and count, and drops duplicates', () => {
    assert.throws(() => checkRedirectUri(`https://app.example.com/${'a'.repeat(2000)}`), /too long: at most 2000 characters/);
    assert.throws(
      () => checkRedirectUris(Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`), 'login'),
      /too many login redirect URIs: at most 20/,
    );
    assert.deepEqual(checkRedirectUris(['https://a.example.com/cb', 'https://a.example.com/cb'], 'login'), ['https://a.example.com/cb']);
  });
});
