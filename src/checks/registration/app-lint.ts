import { isLoopbackHost } from '../loopback.js';
import { matchLoginRedirectUri } from '../redirect-uri.js';
import { isSecretActive, type ClientSecret, type TrustedApplication } from '../../domain/trusted-application.js';

/** A registration that works but is risky: what, why, and which fields to change. */
export interface LintWarning {
  clientId: string;
  /** stable name of the rule */
  rule:
    | 'http_loopback_redirect'
    | 'confidential_without_pkce'
    | 'long_public_refresh_lifetime'
    | 'community_update_scope'
    | 'secret_expiring'
    | 'unused_redirect_uri';
  message: string;
  fields: string[];
}

/** What the audit trail knows of the app's recent sign-ins (its `code_issued` events). */
export interface RecentUse {
  /** the window looked at, in days */
  days: number;
  /** how many authorization codes were issued in that window */
  codes: number;
  /** how many of those had no PKCE code_challenge */
  withoutPkce: number;
  /** the redirect URIs they were sent to */
  redirectUris: Set<string>;
}

/** A public app's refresh tokens living longer than this get a warning (the default is 24 h). */
export const PUBLIC_REFRESH_WARN_SECONDS = 7 * 86400;
/** Secrets expiring within this many days get a warning (unless another active one lives longer). */
export const SECRET_EXPIRY_WARN_DAYS = 14;

/** The linter's rules (`trustgate app lint`): pure, on the app, its secrets, the issuer and what the trail knows. */
export function lintApp(
  app: TrustedApplication,
  secrets: readonly ClientSecret[],
  context: { issuer: string; now: number; recent: RecentUse | undefined },
): LintWarning[] {
  const warnings: LintWarning[] = [];
  const warn = (rule: LintWarning['rule'], message: string, fields: string[]) => warnings.push({ clientId: app.clientId, rule, message, fields });

  const issuerHost = new URL(context.issuer).hostname;
  if (!isLoopbackHost(issuerHost)) {
    const loopback = app.loginRedirectUris.filter((uri) => isHttpLoopback(uri));
    if (loopback.length > 0) {
      warn(
        'http_loopback_redirect',
        `http loopback redirect URI${loopback.length > 1 ? 's' : ''} ${loopback.join(', ')} on an issuer that is not loopback (${issuerHost}): ` +
          (app.clientType === 'public'
            ? 'right for a native app on the user\'s machine (RFC 8252), a leftover from development otherwise'
            : 'a confidential (server-side) app does not run on the user\'s machine: most likely a leftover from development'),
        ['loginRedirectUris'],
      );
    }
  }

  if (app.clientType === 'confidential' && context.recent && context.recent.withoutPkce > 0) {
    warn(
      'confidential_without_pkce',
      `${context.recent.withoutPkce} of its ${context.recent.codes} sign-ins in the last ${context.recent.days} days sent no PKCE code_challenge: ` +
        'a confidential app should use PKCE too (RFC 9700), so that a stolen code cannot be redeemed',
      [],
    );
  }

  if (app.clientType === 'public' && app.allowRefreshTokens && app.refreshTokenLifetime > PUBLIC_REFRESH_WARN_SECONDS) {
    warn(
      'long_public_refresh_lifetime',
      `refresh tokens of this public app live ${Math.round(app.refreshTokenLifetime / 86400)} days: a public app cannot keep a secret, ` +
        `so a stolen refresh token works that long; use at most ${PUBLIC_REFRESH_WARN_SECONDS / 86400} days (default 1 day)`,
      ['refreshTokenLifetime'],
    );
  }

  if (app.allowCommunityUsers && app.scopes.includes('update')) {
    warn(
      'community_update_scope',
      'community users (customers, partners) may sign in and the app may be granted the scope "update": they can change ERP data through it; make sure that is intended',
      ['allowCommunityUsers', 'scopes'],
    );
  }

  if (app.clientType === 'confidential') {
    const active = secrets.filter((secret) => isSecretActive(secret, context.now));
    const horizon = context.now + SECRET_EXPIRY_WARN_DAYS * 86_400_000;
    const lasting = active.some((secret) => secret.expiresAt === null || secret.expiresAt > horizon);
    if (!lasting) {
      for (const secret of active) {
        const days = Math.max(0, Math.ceil((secret.expiresAt! - context.now) / 86_400_000));
        warn(
          'secret_expiring',
          `secret ${secret.id} expires in ${days} day${days === 1 ? '' : 's'} (${new Date(secret.expiresAt!).toISOString()}) and no other active secret lasts longer: add a new secret and deploy it first`,
          ['secrets'],
        );
      }
    }
  }

  if (context.recent && context.recent.codes > 0 && app.createdAt < context.now - context.recent.days * 86_400_000) {
    const seen = [...context.recent.redirectUris];
    const unused = app.loginRedirectUris.filter(
      (registered) => !seen.some((uri) => matchLoginRedirectUri({ ...app, loginRedirectUris: [registered] }, uri)),
    );
    if (unused.length > 0) {
      warn(
        'unused_redirect_uri',
        `login redirect URI${unused.length > 1 ? 's' : ''} ${unused.join(', ')} unused in the last ${context.recent.days} days (${context.recent.codes} sign-ins): remove what is no longer deployed`,
        ['loginRedirectUris'],
      );
    }
  }
  return warnings;
}

function isHttpLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
