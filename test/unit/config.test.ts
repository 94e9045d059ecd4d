import os from 'node:os';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, redactUrl } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/config-error.js';

function refused(env: Record<string, string>, variable: string, message: string) {
  assert.throws(() => loadConfig(env), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.variable, variable);
    assert.equal(error.message, message);
    return true;
  });
}

describe('configuration: loadConfig', () => {
  it('has zero-configuration defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.issuer, 'http://localhost:8080');
    assert.equal(config.issuerPath, '');
    assert.equal(config.host, 'localhost');
    assert.equal(config.databaseUrl, 'sqlite:./data/trustgate.db');
    assert.equal(config.instanceName, 'Trustgate');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.keyEncryptionSecret, undefined);
    assert.deepEqual(config.apiAudiences, ['erp-api']);
    assert.equal(config.clientCacheSeconds, 2);
    assert.deepEqual(config.argon2, { memoryKiB: 19456, iterations: 2, parallelism: 1 });
    assert.equal(config.accountReauthSeconds, 300);
    assert.equal(config.passwordResetLifetimeSeconds, 1800);
    assert.equal(config.hstsMaxAgeSeconds, 31536000);
    assert.equal(config.signingAlg, 'RS256');
    assert.equal(config.keyRotationIntervalSeconds, 90 * 86400);
    assert.equal(config.allowPlaintextKeys, false);
    assert.ok(Object.isFrozen(config));
  });

  it('SIGNING_ALG, KEY_ROTATION_INTERVAL and ALLOW_PLAINTEXT_KEYS', () => {
    assert.equal(loadConfig({ SIGNING_ALG: 'ES256' }).signingAlg, 'ES256');
    assert.equal(loadConfig({ SIGNING_ALG: 'EdDSA' }).signingAlg, 'EdDSA');
    for (const bad of ['HS256', 'none', 'rs256', 'PS256']) {
      refused({ SIGNING_ALG: bad }, 'SIGNING_ALG', `SIGNING_ALG must be RS256, ES256 or EdDSA, got "${bad}".`);
    }
    assert.equal(loadConfig({ KEY_ROTATION_INTERVAL: '30d' }).keyRotationIntervalSeconds, 30 * 86400);
    assert.equal(loadConfig({ KEY_ROTATION_INTERVAL: '1h' }).keyRotationIntervalSeconds, 3600);
    assert.equal(loadConfig({ KEY_ROTATION_INTERVAL: '86400' }).keyRotationIntervalSeconds, 86400);
    assert.equal(loadConfig({ KEY_ROTATION_INTERVAL: 'off' }).keyRotationIntervalSeconds, null);
    assert.equal(loadConfig({ KEY_ROTATION_INTERVAL: '0' }).keyRotationIntervalSeconds, null);
    for (const bad of ['59m', '3651d', 'weekly', '-1d']) {
      refused(
        { KEY_ROTATION_INTERVAL: bad },
        'KEY_ROTATION_INTERVAL',
        `KEY_ROTATION_INTERVAL must be a duration between 1h and 3650d such as 90d, or off, got "${bad}".`,
      );
    }
    assert.equal(loadConfig({ ALLOW_PLAINTEXT_KEYS: 'true' }).allowPlaintextKeys, true);
  });

  it('accepts an https issuer with a path, without the trailing slash, listening on all interfaces', () => {
    const config = loadConfig({ ISSUER_URL: 'https://erp.example.com/id/' });
    assert.equal(config.issuer, 'https://erp.example.com/id');
    assert.equal(config.issuerPath, '/id');
    assert.equal(config.issuerIsHttps, true);
    assert.equal(config.host, '0.0.0.0');
  });

  it('allows http on loopback hosts, and elsewhere only with ALLOW_HTTP_ISSUER', () => {
    assert.equal(loadConfig({ ISSUER_URL: 'http://127.0.0.1:9000/id' }).issuer, 'http://127.0.0.1:9000/id');
    assert.equal(loadConfig({ ISSUER_URL: 'http://[::1]:9000' }).issuer, 'http://[::1]:9000');
    refused(
      { ISSUER_URL: 'http://erp.example.com/id' },
      'ISSUER_URL',
      'ISSUER_URL "http://erp.example.com/id" uses http on a non-loopback host; use https, or set ALLOW_HTTP_ISSUER=true for development only.',
    );
    assert.equal(loadConfig({ ISSUER_URL: 'http://erp.example.com/id', ALLOW_HTTP_ISSUER: 'true' }).issuer, 'http://erp.example.com/id');
    refused({ ALLOW_HTTP_ISSUER: 'maybe' }, 'ALLOW_HTTP_ISSUER', 'ALLOW_HTTP_ISSUER must be true or false, got "maybe".');
  });

  it('refuses issuers with a query, a fragment, credentials or another scheme', () => {
    const noQuery = 'ISSUER_URL must not contain a query or a fragment (OpenID Connect Discovery 3).';
    refused({ ISSUER_URL: 'https://erp.example.com/id?x=1' }, 'ISSUER_URL', noQuery);
    refused({ ISSUER_URL: 'https://erp.example.com/id#x' }, 'ISSUER_URL', noQuery);
    refused({ ISSUER_URL: 'https://erp.example.com/id?' }, 'ISSUER_URL', noQuery);
    refused({ ISSUER_URL: 'https://u:p@erp.example.com/id' }, 'ISSUER_URL', 'ISSUER_URL must not contain user credentials.');
    refused({ ISSUER_URL: 'ftp://erp.example.com' }, 'ISSUER_URL', 'ISSUER_URL must use https, got "ftp:".');
  });

  it('checks numbers, DATABASE_URL, LOG_LEVEL and bounds, naming the variable', () => {
    refused({ PORT: '-1' }, 'PORT', 'PORT must be a whole number between 0 and 65535, got "-1".');
    refused({ PORT: '1.5' }, 'PORT', 'PORT must be a whole number between 0 and 65535, got "1.5".');
    refused({ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL', 'DATABASE_URL must be sqlite:<path> or postgres://user@host:port/database, got "sqlite:".');
    refused({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud".');
    refused({ CLIENT_CACHE_SECONDS: '60' }, 'CLIENT_CACHE_SECONDS', 'CLIENT_CACHE_SECONDS must be between 0 and 5, got 60.');
    refused({ AUTHORIZATION_CODE_LIFETIME: '0' }, 'AUTHORIZATION_CODE_LIFETIME', 'AUTHORIZATION_CODE_LIFETIME must be between 1 and 600, got 0.');
    refused({ ACCOUNT_REAUTH_SECONDS: '5' }, 'ACCOUNT_REAUTH_SECONDS', 'ACCOUNT_REAUTH_SECONDS must be between 30 and 86400, got 5.');
    refused({ PASSWORD_RESET_LIFETIME: '30d' }, 'PASSWORD_RESET_LIFETIME', 'PASSWORD_RESET_LIFETIME must be a whole number between 60 and 604800, got "30d".');
    assert.equal(loadConfig({ ACCOUNT_REAUTH_SECONDS: '600', PASSWORD_RESET_LIFETIME: '3600' }).accountReauthSeconds, 600);
    refused(
      { SESSION_IDLE_LIFETIME: '7200', SESSION_ABSOLUTE_LIFETIME: '3600' },
      'SESSION_ABSOLUTE_LIFETIME',
      'SESSION_ABSOLUTE_LIFETIME must be at least SESSION_IDLE_LIFETIME.',
    );
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://u@db:5432/x' }).databaseUrl, 'postgresql://u@db:5432/x');
    assert.equal(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel, 'debug');
    assert.equal(loadConfig({ HSTS_MAX_AGE: '0' }).hstsMaxAgeSeconds, 0);
    refused({ HSTS_MAX_AGE: '-1' }, 'HSTS_MAX_AGE', 'HSTS_MAX_AGE must be a whole number between 0 and 63072000, got "-1".');
    refused({ HSTS_MAX_AGE: '63072001' }, 'HSTS_MAX_AGE', 'HSTS_MAX_AGE must be between 0 and 63072000, got 63072001.');
  });

  it('WORKERS: the number of cores by default, one for an in-memory database, 1-64', () => {
    assert.equal(loadConfig({}).workers, Math.min(64, os.availableParallelism()));
    assert.equal(loadConfig({ WORKERS: '3' }).workers, 3);
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).workers, 1);
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:', WORKERS: '1' }).workers, 1);
    refused({ DATABASE_URL: 'sqlite::memory:', WORKERS: '2' }, 'WORKERS',
      'WORKERS must be 1 with DATABASE_URL=sqlite::memory: (each process would have its own database), got 2.');
    refused({ WORKERS: '0' }, 'WORKERS', 'WORKERS must be between 1 and 64, got 0.');
    refused({ WORKERS: 'all' }, 'WORKERS', 'WORKERS must be a whole number between 1 and 64, got "all".');
  });

  it('reads API audiences and hides passwords in connection strings', () => {
    assert.deepEqual(loadConfig({ API_AUDIENCE: 'erp-api, DomainApi' }).apiAudiences, ['erp-api', 'DomainApi']);
    assert.equal(redactUrl('postgres://admin:s3cret@db:5432/x'), 'postgres://admin:***@db:5432/x');
  });

  it('TRUST_PROXY: false, a number of hops (true is one), or proxy addresses; anything else names the variable', () => {
    const proxy = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }).trustProxy;
    assert.equal(proxy(undefined), false);
    assert.equal(proxy('false'), false);
    assert.equal(proxy('0'), false);
    assert.equal(proxy('2'), 2);
    assert.equal(proxy('true'), 1, 'never "trust every hop"');
    assert.deepEqual(proxy('10.0.0.5, 192.168.0.0/16,::1'), ['10.0.0.5', '192.168.0.0/16', '::1']);
    assert.throws(() => proxy('nginx'), { message: /^TRUST_PROXY must be false, the number of reverse proxies/ });
    assert.throws(() => proxy('11'), { message: /TRUST_PROXY/ });
  });

  it('THROTTLE_* variables set the sign-in limits, within bounds', () => {
    const { throttle } = loadConfig({ THROTTLE_ACCOUNT_SOURCE_LIMIT: '3', THROTTLE_WINDOW_SECONDS: '600' });
    assert.equal(throttle.accountSourceLimit, 3);
    assert.equal(throttle.windowMs, 600_000);
    assert.throws(() => loadConfig({ THROTTLE_SOURCE_LIMIT: '0' }), { message: /THROTTLE_SOURCE_LIMIT must be between 1 and 100000/ });
  });
});
