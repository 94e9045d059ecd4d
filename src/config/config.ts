import { ConfigError } from './config-error.js';
import { isLoopbackHost } from '../checks/loopback.js';
import { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from '../domain/throttle.js';
import { parseTrustProxy } from './trust-proxy.js';
import { DEFAULT_SIGNING_ALG, isSigningAlg, signingAlgList, type SigningAlg } from '../domain/signing-alg.js';
import { parseDurationSeconds } from '../domain/duration.js';
import { DEFAULT_REFRESH_REUSE_GRACE_SECONDS, MAX_REFRESH_REUSE_GRACE_SECONDS } from '../domain/trusted-application.js';
import os from 'node:os';

export interface Argon2Parameters {
  /** memory cost in KiB */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface Config {
  port: number;
  host: string;
  /** issuer without trailing slash, e.g. https://erp.example.com/id */
  issuer: string;
  /** path part of the issuer without trailing slash ('' for a root issuer) */
  issuerPath: string;
  issuerIsHttps: boolean;
  databaseUrl: string;
  instanceName: string;
  logLevel: string;
  /** log lines are gathered for at most this long (or 4 KiB) before one write; 0 writes each line at once */
  logFlushMs: number;
  /**
   * KEY_ENCRYPTION_SECRET as given; in a running server's context, the secret resolved at start-up (on
   * SQLite without the variable, the key-secret file's: see keys/key-encryption-secret.ts)
   */
  keyEncryptionSecret: string | undefined;
  /** store signing keys unencrypted when no secret is available, instead of refusing (PostgreSQL) or creating the key-secret file (SQLite) */
  allowPlaintextKeys: boolean;
  /** the algorithm tokens are signed with unless an app chooses another */
  signingAlg: SigningAlg;
  /** how often signing keys rotate on their own; null: never (only `trustgate keys rotate`) */
  keyRotationIntervalSeconds: number | null;
  /** DPOP_NONCE: DPoP proofs at the token endpoint and userinfo must carry a server nonce (RFC 9449 8, 9) */
  dpopNonce: boolean;
  /** REFRESH_REUSE_GRACE_SECONDS: how long a rotated refresh token may come again (0: never) */
  refreshReuseGraceSeconds: number;
  /** audiences put into access tokens */
  apiAudiences: string[];
  authorizationCodeLifetimeSeconds: number;
  interactionLifetimeSeconds: number;
  sessionIdleLifetimeSeconds: number;
  sessionAbsoluteLifetimeSeconds: number;
  /** how long a cached Trusted Application record may be served (kill switch latency) */
  clientCacheSeconds: number;
  argon2: Argon2Parameters;
  /** a change on the account page needs a sign-in at most this many seconds old (else the user signs in again) */
  accountReauthSeconds: number;
  /** how long a password-reset link works */
  passwordResetLifetimeSeconds: number;
  /**
   * Which peers are reverse proxies whose X-Forwarded-For is believed (Fastify's trustProxy, proxy-addr
   * semantics): false (none: the peer is the client), a number of hops, or addresses / CIDR ranges.
   */
  trustProxy: false | number | string[];
  /** sign-in throttling limits */
  throttle: ThrottlePolicy;
  /** how long a device cookie (a browser the user signed in with before) is trusted, in seconds */
  deviceCookieLifetimeSeconds: number;
  /** Strict-Transport-Security max-age sent by an https issuer (0: no header) */
  hstsMaxAgeSeconds: number;
  allowHttpIssuer: boolean;
  /** the port of the separate /metrics listener; null: no metrics listener (the default) */
  metricsPort: number | null;
  /** the address the metrics listener binds (default 127.0.0.1: only this machine may scrape) */
  metricsHost: string;
  /** BRAND_LOGO: an https URL, or a file served at {issuer}/assets/logo; null: none */
  brandLogo: { url: string } | { file: string } | null;
  /** BRAND_COLOR: #rrggbb of the header and buttons (white text on it must stay readable) */
  brandColor: string | null;
  /** BRAND_CSS: a CSS file appended to the pages' stylesheet; null: none */
  brandCssFile: string | null;
  /**
   * server processes sharing the port (WORKERS, `trustgate serve --workers`): 1 runs in this process;
   * more start a primary that prepares the database and forks them (serve.ts)
   */
  workers: number;
  /** audit events older than this many days are removed (in batches, on every node) */
  auditRetentionDays: number;
}

export type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigError(name, `${name} must be a whole number between ${min} and ${max}, got "${raw}".`);
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new ConfigError(name, `${name} must be between ${min} and ${max}, got ${value}.`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `${name} must be true or false, got "${env[name]}".`);
}

/** KEY_ROTATION_INTERVAL bounds: longer than a new key's pre-publication, shorter than ten years. */
export const KEY_ROTATION_INTERVAL_BOUNDS = { min: 3600, max: 3650 * 86400 } as const;
const DEFAULT_KEY_ROTATION_INTERVAL = 90 * 86400;

function keyRotationInterval(env: Env): number | null {
  const raw = env.KEY_ROTATION_INTERVAL?.trim().toLowerCase();
  if (raw === undefined || raw === '') return DEFAULT_KEY_ROTATION_INTERVAL;
  if (raw === 'off' || raw === '0') return null;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined || seconds < KEY_ROTATION_INTERVAL_BOUNDS.min || seconds > KEY_ROTATION_INTERVAL_BOUNDS.max) {
    throw new ConfigError(
      'KEY_ROTATION_INTERVAL',
      `KEY_ROTATION_INTERVAL must be a duration between 1h and 3650d such as 90d, or off, got "${env.KEY_ROTATION_INTERVAL}".`,
    );
  }
  return seconds;
}

function signingAlg(env: Env): SigningAlg {
  const raw = env.SIGNING_ALG?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SIGNING_ALG;
  if (!isSigningAlg(raw)) throw new ConfigError('SIGNING_ALG', `SIGNING_ALG must be ${signingAlgList()}, got "${env.SIGNING_ALG}".`);
  return raw;
}

function parseIssuer(raw: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('ISSUER_URL', `ISSUER_URL must be an absolute URL such as https://erp.example.com/id, got "${raw}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('ISSUER_URL', `ISSUER_URL must use https, got "${url.protocol}".`);
  }
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
    throw new ConfigError('ISSUER_URL', 'ISSUER_URL must not contain a query or a fragment (OpenID Connect Discovery 3).');
  }
  if (url.username || url.password) {
    throw new ConfigError('ISSUER_URL', 'ISSUER_URL must not contain user credentials.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowHttp) {
    throw new ConfigError(
      'ISSUER_URL',
      `ISSUER_URL "${raw}" uses http on a non-loopback host; use https, or set ALLOW_HTTP_ISSUER=true for development only.`,
    );
  }
  return url;
}

export function loadConfig(env: Env = process.env): Config {
  const allowHttpIssuer = flag(env, 'ALLOW_HTTP_ISSUER');
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const issuerUrl = parseIssuer(env.ISSUER_URL?.trim() || 'http://localhost:8080', allowHttpIssuer);
  const issuerPath = issuerUrl.pathname.replace(/\/+$/, '');
  const issuer = `${issuerUrl.origin}${issuerPath}`;

  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/trustgate.db';
  if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL',
      `DATABASE_URL must be sqlite:<path> or postgres://user@host:port/database, got "${redactUrl(databaseUrl)}".`,
    );
  }

  const logLevel = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}".`);
  }

  const keyEncryptionSecret = env.KEY_ENCRYPTION_SECRET || undefined;
  if (keyEncryptionSecret !== undefined && keyEncryptionSecret.length < 16) {
    throw new ConfigError('KEY_ENCRYPTION_SECRET', 'KEY_ENCRYPTION_SECRET must be at least 16 characters long.');
  }

  const apiAudiences = (env.API_AUDIENCE?.trim() || 'erp-api').split(/[\s,]+/).filter(Boolean);
  if (apiAudiences.some((a) => !/^[\x21-\x7e]+$/.test(a))) {
    throw new ConfigError('API_AUDIENCE', 'API_AUDIENCE must be a space- or comma-separated list of printable names.');
  }

  const hostDefault = isLoopbackHost(issuerUrl.hostname) ? 'localhost' : '0.0.0.0';
  const config: Config = {
    port,
    host: env.HOST?.trim() || hostDefault,
    issuer,
    issuerPath,
    issuerIsHttps: issuerUrl.protocol === 'https:',
    databaseUrl,
    instanceName: env.INSTANCE_NAME?.trim() || 'Trustgate',
    logLevel,
    logFlushMs: integer(env, 'LOG_FLUSH_MS', 100, 0, 1000),
    keyEncryptionSecret,
    allowPlaintextKeys: flag(env, 'ALLOW_PLAINTEXT_KEYS'),
    signingAlg: signingAlg(env),
    keyRotationIntervalSeconds: keyRotationInterval(env),
    dpopNonce: flag(env, 'DPOP_NONCE'),
    refreshReuseGraceSeconds: integer(env, 'REFRESH_REUSE_GRACE_SECONDS', DEFAULT_REFRESH_REUSE_GRACE_SECONDS, 0, MAX_REFRESH_REUSE_GRACE_SECONDS),
    apiAudiences,
    authorizationCodeLifetimeSeconds: integer(env, 'AUTHORIZATION_CODE_LIFETIME', 60, 1, 600),
    interactionLifetimeSeconds: integer(env, 'INTERACTION_LIFETIME', 600, 30, 3600),
    sessionIdleLifetimeSeconds: integer(env, 'SESSION_IDLE_LIFETIME', 3600, 60, 31 * 86400),
    sessionAbsoluteLifetimeSeconds: integer(env, 'SESSION_ABSOLUTE_LIFETIME', 36000, 60, 366 * 86400),
    clientCacheSeconds: integer(env, 'CLIENT_CACHE_SECONDS', 2, 0, 5),
    argon2: {
      memoryKiB: integer(env, 'ARGON2_MEMORY_KIB', 19456, 1024, 4 * 1024 * 1024),
      iterations: integer(env, 'ARGON2_ITERATIONS', 2, 1, 100),
      parallelism: integer(env, 'ARGON2_PARALLELISM', 1, 1, 16),
    },
    accountReauthSeconds: integer(env, 'ACCOUNT_REAUTH_SECONDS', 300, 30, 86400),
    passwordResetLifetimeSeconds: integer(env, 'PASSWORD_RESET_LIFETIME', 1800, 60, 7 * 86400),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 90, 1, 36500),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    throttle: throttlePolicy(env),
    deviceCookieLifetimeSeconds: integer(env, 'DEVICE_COOKIE_LIFETIME', 365 * 86400, 3600, 5 * 366 * 86400),
    hstsMaxAgeSeconds: integer(env, 'HSTS_MAX_AGE', 31536000, 0, 63072000),
    allowHttpIssuer,
    metricsPort: env.METRICS_PORT?.trim() ? integer(env, 'METRICS_PORT', 0, 0, 65535) : null,
    metricsHost: env.METRICS_HOST?.trim() || '127.0.0.1',
    brandLogo: brandLogo(env),
    brandColor: brandColor(env),
    brandCssFile: env.BRAND_CSS?.trim() || null,
    workers: workerCount(env, databaseUrl),
  };
  if (config.metricsPort !== null && config.metricsPort !== 0 && config.metricsPort === config.port) {
    throw new ConfigError('METRICS_PORT', 'METRICS_PORT must differ from PORT: metrics have their own listener.');
  }
  if (config.sessionAbsoluteLifetimeSeconds < config.sessionIdleLifetimeSeconds) {
    throw new ConfigError(
      'SESSION_ABSOLUTE_LIFETIME',
      'SESSION_ABSOLUTE_LIFETIME must be at least SESSION_IDLE_LIFETIME.',
    );
  }
  return Object.freeze(config);
}

function brandLogo(env: Env): Config['brandLogo'] {
  const raw = env.BRAND_LOGO?.trim();
  if (!raw) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(raw)) return { file: raw };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('BRAND_LOGO', `BRAND_LOGO must be an https URL or a file path, got "${raw}".`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError('BRAND_LOGO', `BRAND_LOGO must be an https URL or a file path, got "${raw}".`);
  }
  if (/["'\\()\s]/.test(url.href)) {
    throw new ConfigError('BRAND_LOGO', 'BRAND_LOGO must not contain quotes, parentheses, backslashes or spaces.');
  }
  return { url: url.href };
}

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function brandColor(env: Env): string | null {
  const raw = env.BRAND_COLOR?.trim();
  if (!raw) return null;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(raw);
  const hex = (short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}` : raw).toLowerCase();
  if (!/^#[0-9a-f]{6}$/.test(hex)) {
    throw new ConfigError('BRAND_COLOR', `BRAND_COLOR must be a colour such as #1d3557, got "${raw}".`);
  }
  // white text on the colour (header, buttons) must keep WCAG AA contrast, 4.5:1
  const contrast = 1.05 / (luminance(hex) + 0.05);
  if (contrast < 4.5) {
    throw new ConfigError(
      'BRAND_COLOR',
      `BRAND_COLOR ${raw} is too light for white text (contrast ${contrast.toFixed(1)}:1, at least 4.5:1 is needed); choose a darker colour.`,
    );
  }
  return hex;
}

/** The most WORKERS accepts. */
export const MAX_WORKERS = 64;

/**
 * WORKERS: default the usable cores. An in-memory SQLite database lives in one process, so it runs one
 * (and refuses more when WORKERS asks for them explicitly).
 */
function workerCount(env: Env, databaseUrl: string): number {
  const inMemory = databaseUrl === 'sqlite::memory:';
  const workers = integer(env, 'WORKERS', inMemory ? 1 : Math.min(MAX_WORKERS, Math.max(1, os.availableParallelism())), 1, MAX_WORKERS);
  if (inMemory && workers > 1) {
    throw new ConfigError('WORKERS', `WORKERS must be 1 with DATABASE_URL=sqlite::memory: (each process would have its own database), got ${workers}.`);
  }
  return workers;
}

/** Sign-in throttling limits from THROTTLE_* variables (defaults: DEFAULT_THROTTLE_POLICY). */
function throttlePolicy(env: Env): ThrottlePolicy {
  const d = DEFAULT_THROTTLE_POLICY;
  return {
    windowMs: integer(env, 'THROTTLE_WINDOW_SECONDS', d.windowMs / 1000, 60, 86400) * 1000,
    accountSourceLimit: integer(env, 'THROTTLE_ACCOUNT_SOURCE_LIMIT', d.accountSourceLimit, 1, 1000),
    sourceLimit: integer(env, 'THROTTLE_SOURCE_LIMIT', d.sourceLimit, 1, 100_000),
    accountLimit: integer(env, 'THROTTLE_ACCOUNT_LIMIT', d.accountLimit, 1, 100_000),
    accountDelayAfter: integer(env, 'THROTTLE_DELAY_AFTER', d.accountDelayAfter, 0, 100_000),
    delayStepMs: integer(env, 'THROTTLE_DELAY_STEP_MS', d.delayStepMs, 0, 10_000),
    maxDelayMs: integer(env, 'THROTTLE_MAX_DELAY_MS', d.maxDelayMs, 0, 10_000),
    deviceLimit: integer(env, 'THROTTLE_DEVICE_LIMIT', d.deviceLimit, 1, 1000),
    secondFactorLimit: integer(env, 'THROTTLE_SECOND_FACTOR_LIMIT', d.secondFactorLimit, 1, 100),
  };
}

/** Hide a password in a connection string before showing it. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
