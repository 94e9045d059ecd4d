import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AdminError } from '../../src/errors/admin-error.js';
import { cliWording } from '../../src/cli/admin-wording.js';
import { validateAppRegistration } from '../../src/checks/registration/app-registration.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('AdminError: a structured reason, worded by each surface', () => {
  it('carries a reason code and the fields involved, and its message names no CLI flag', () => {
    const base = {
      clientId: 'a.b/c', displayName: 'App', clientType: 'confidential', loginRedirectUris: ['https://a.example/cb'],
      logoutRedirectUris: [], scopes: 'read', allowInternalUsers: true, allowCommunityUsers: false,
      allowRefreshTokens: true, requireConsent: true, accessTokenLifetime: 3600, refreshTokenLifetime: 86400, hasSecret: false,
      idTokenSignedResponseAlg: null, accessTokenSigningAlg: null,
    };
    assert.throws(() => validateAppRegistration(base), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.equal(error.code, 'invalid');
      assert.equal(error.reason, 'secret_required');
      assert.deepEqual(error.fields, ['secret', 'generateSecret']);
      assert.equal(error.message, 'a confidential app must have a secret: give one, or ask for one to be generated');
      assert.equal(cliWording(error), 'a confidential app must have a secret: give --secret <value> or --generate-secret');
      return true;
    });
    assert.throws(() => validateAppRegistration({ ...base, hasSecret: true, loginRedirectUris: [] }), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.deepEqual([error.reason, error.fields], ['redirect_uri_required', ['loginRedirectUris']]);
      assert.doesNotMatch(error.message, /--/);
      assert.equal(cliWording(error), 'at least one login redirect URI is required (--redirect-uri)');
      return true;
    });
  });

  it('no admin service or registration rule words a refusal in terms of CLI flags', () => {
    const offenders: string[] = [];
    for (const file of [...filesUnder(path.join(ROOT, 'src/admin')), ...filesUnder(path.join(ROOT, 'src/checks')), ...filesUnder(path.join(ROOT, 'src/errors'))]) {
      const text = fs.readFileSync(file, 'utf8');
      // a quoted string (not a comment) that names a --flag
      for (const match of text.matchAll(/(['"`])(?:(?!\1)[^\n])*?--[a-z][a-z-]+(?:(?!\1)[^\n])*?\1/g)) {
        offenders.push(`${path.relative(ROOT, file)}: ${match[0]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
