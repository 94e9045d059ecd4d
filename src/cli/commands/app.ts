import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { Env } from '../../config/config.js';
import { AppService, type AppChanges } from '../../admin/app-service.js';
import { ACCESS_TOKENS_POLICIES, tokenSigningAlgs, type AccessTokensPolicy, type TrustedApplication } from '../../domain/trusted-application.js';
import { appView } from '../../admin/app-view.js';
import { isBuiltInClientId } from '../../domain/built-in-apps.js';
import { SIGNING_ALGS, type SigningAlg } from '../../domain/signing-alg.js';
import { CliUsageError } from '../cli-error.js';
import type { Store } from '../../stores/store.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printFields, printJson, printLine, printTable, seconds, yesNo } from '../output.js';
import { collect, parseDuration } from '../parse.js';
import { readLineFromStdin } from '../read-secret.js';
import { registerAppSecretCommands, printSecrets, secretJson } from './app-secret.js';
import { registerAppFailuresCommand } from './audit.js';
import { registerAppLintCommand } from './config-file.js';

interface AppOptions {
  name?: string;
  type?: 'public' | 'confidential';
  secret?: string;
  secretStdin?: boolean;
  generateSecret?: boolean;
  redirectUri?: string[];
  logoutUri?: string[];
  scope?: string;
  internalUsers?: boolean;
  communityUsers?: boolean;
  refreshTokens?: boolean;
  consent?: boolean;
  requireMfa?: boolean;
  adminApi?: boolean;
  requirePar?: boolean;
  requireDpop?: boolean;
  accessTokenLifetime?: number;
  refreshTokenLifetime?: number;
  idTokenAlg?: SigningAlgChoice;
  accessTokenAlg?: SigningAlgChoice;
  refreshReuseGrace?: number | 'default';
  accessTokens?: AccessTokensPolicy;
  /** a login; false: --no-system-user */
  systemUser?: string | false;
  jwksFile?: string;
  jwksUri?: string;
  /** false: --no-jwks (commander defaults a lone --no-jwks to true) */
  jwks?: boolean;
  json?: boolean;
}

/** A signing algorithm, or `default` to follow the server's SIGNING_ALG. */
type SigningAlgChoice = SigningAlg | 'default';
const SIGNING_ALG_CHOICES: readonly SigningAlgChoice[] = [...SIGNING_ALGS, 'default'];


function userKinds(app: TrustedApplication): string {
  return [app.allowInternalUsers ? 'internal' : '', app.allowCommunityUsers ? 'community' : ''].filter(Boolean).join(', ');
}

/** An algorithm as the app's readable view shows it: its own choice, or the server's default. */
function algorithmText(chosen: SigningAlg | null, effective: SigningAlg): string {
  return chosen === null ? `${effective} (SIGNING_ALG)` : chosen;
}

/** The app's refresh reuse grace window as its readable view shows it. */
function graceText(value: number | null): string {
  if (value === null) return 'REFRESH_REUSE_GRACE_SECONDS';
  return value === 0 ? '0 s (off: a rotated token is never accepted again)' : seconds(value);
}

/** The system user as the readable view shows it: login and id. */
function systemUserText(app: TrustedApplication, login: string | undefined): string {
  if (!app.systemUserId) return '(none: no client_credentials)';
  return login === undefined ? `${app.systemUserId} (user not found)` : `${login} (${app.systemUserId})`;
}

function clientKeysText(app: TrustedApplication): string {
  if (app.jwksUri) return `published at ${app.jwksUri}`;
  if (app.jwks) return `${app.jwks.keys.length} registered (${app.jwks.keys.map((key) => String(key.kid ?? key.kty)).join(', ')})`;
  return '(none: no private_key_jwt)';
}

function printApp(app: TrustedApplication, serverAlg: SigningAlg, systemUserLogin?: string): void {
  const algs = tokenSigningAlgs(app, serverAlg);
  printFields([
    ['ApplicationUri', app.clientId],
    ['Name', app.displayName],
    ['Type', app.clientType],
    ...(isBuiltInClientId(app.clientId) ? [['Built-in', 'yes (registered by every server at start-up; cannot be changed)'] as [string, string]] : []),
    ['Enabled', yesNo(app.enabled)],
    ['Login redirect URIs', app.loginRedirectUris.join(' ') || '(none)'],
    ['Logout redirect URIs', app.logoutRedirectUris.join(' ') || '(none)'],
    ['Scopes', app.scopes.join(' ') || '(protocol scopes only)'],
    ['Users', userKinds(app)],
    ['Refresh tokens', yesNo(app.allowRefreshTokens)],
    ['Consent', app.requireConsent ? 'asked' : 'not asked'],
    ['Second factor', app.requireMfa ? 'required' : 'when the user has one'],
    ['Admin API', app.adminApi ? 'may request trustgate:admin' : 'no'],
    ['Pushed requests (PAR)', app.requirePar ? 'required' : 'optional'],
    ['DPoP', app.requireDpop ? 'required' : 'optional'],
    ['Access-token lifetime', seconds(app.accessTokenLifetime)],
    ['Refresh-token lifetime', seconds(app.refreshTokenLifetime)],
    ['ID-token algorithm', algorithmText(app.idTokenSignedResponseAlg, algs.idToken)],
    ['Access-token algorithm', algorithmText(app.accessTokenSigningAlg, algs.accessToken)],
    ['Refresh reuse grace', graceText(app.refreshReuseGraceSeconds)],
    ['Reference tokens', { none: 'none', users: 'users (and administrators)', admins: 'administrators only' }[app.accessTokens]],
    ['System user', systemUserText(app, systemUserLogin)],
    ['Client keys', clientKeysText(app)],
    ['Created', isoTime(app.createdAt) ?? ''],
    ['Updated', isoTime(app.updatedAt) ?? ''],
  ]);
}

/** The options shared by `app create` and `app update`. */
function withAppOptions(command: Command, create: boolean): Command {
  const type = new Option('--type <type>', 'client type').choices(['public', 'confidential']);
  const name = new Option('--name <text>', 'display name shown on the consent page');
  if (create) {
    type.makeOptionMandatory();
    name.makeOptionMandatory();
  }
  return command
    .addOption(name)
    .addOption(type)
    .option('--secret <value>', 'client secret given by hand (at least 32 characters)')
    .option('--secret-stdin', 'read the client secret from one line of standard input')
    .option('--generate-secret', 'generate a 256-bit client secret (shown once)')
    .option('--redirect-uri <uri>', 'login redirect URI (repeatable; replaces the list on update)', collect)
    .option('--logout-uri <uri>', 'post-logout redirect URI (repeatable; replaces the list on update)', collect)
    .option('--scope <scopes>', 'space-delimited API scopes the app may be granted, e.g. "read update"')
    .option('--internal-users', 'internal users may sign in')
    .option('--no-internal-users', 'internal users may not sign in')
    .option('--community-users', 'community users may sign in')
    .option('--no-community-users', 'community users may not sign in')
    .option('--refresh-tokens', 'refresh tokens may be issued (default)')
    .option('--no-refresh-tokens', 'no refresh tokens')
    .option('--consent', 'ask users for consent (default)')
    .option('--no-consent', 'do not ask for consent (first-party apps)')
    .option('--require-mfa', 'users must use a second factor (TOTP or a passkey) to sign in to this app')
    .option('--no-require-mfa', 'a second factor only when the user has one or the user must (default)')
    .option('--admin-api', 'the app may request the scope trustgate:admin (an access token for the admin API; only administrators get one)')
    .option('--no-admin-api', 'the app may not request trustgate:admin (default)')
    .option('--require-par', 'authorization requests must be pushed to {issuer}/connect/par first (RFC 9126)')
    .option('--no-require-par', 'pushing authorization requests is optional (default)')
    .option('--require-dpop', 'token requests must carry a DPoP proof (RFC 9449): every token is bound to the app\'s key')
    .option('--no-require-dpop', 'DPoP proofs are optional (default)')
    .option('--access-token-lifetime <seconds>', 'access-token lifetime (default 3600)', parseDuration)
    .option('--refresh-token-lifetime <seconds>', 'refresh-token lifetime (default 30 d confidential, 24 h public)', parseDuration)
    .addOption(new Option('--id-token-alg <alg>', 'signs the app\'s ID tokens (default: SIGNING_ALG)').choices(SIGNING_ALG_CHOICES))
    .addOption(new Option('--access-token-alg <alg>', 'signs the app\'s access tokens (default: SIGNING_ALG)').choices(SIGNING_ALG_CHOICES))
    .option(
      '--refresh-reuse-grace <seconds>',
      'how long a rotated refresh token may be presented again, 0-300 s (0: never; "default": REFRESH_REUSE_GRACE_SECONDS)',
      parseGrace,
    )
    .addOption(
      new Option('--access-tokens <who>', 'who may issue long-lived reference tokens for the app: none (default), users (for themselves, and administrators), admins')
        .choices(ACCESS_TOKENS_POLICIES),
    )
    .option('--system-user <login>', 'service app: allow grant_type=client_credentials, acting as this user (confidential apps)')
    .option('--no-system-user', 'remove the system user (no more client_credentials)')
    .option('--jwks-file <path>', 'private_key_jwt: a JSON file with the app\'s public keys (a JWK Set)')
    .option('--jwks-uri <url>', 'private_key_jwt: where the app publishes its public keys (https)')
    .option('--no-jwks', 'remove the app\'s public keys (by file or URL)')
    .option('--json', 'print JSON');
}

async function changesFrom(options: AppOptions, create: boolean): Promise<AppChanges> {
  const changes: AppChanges = {};
  if (options.name !== undefined) changes.displayName = options.name;
  if (options.type !== undefined) changes.clientType = options.type;
  if (options.secretStdin) {
    if (options.secret !== undefined) throw new CliUsageError('give either --secret or --secret-stdin, not both');
    changes.secret = await readLineFromStdin('Client secret: ');
  } else if (options.secret !== undefined) changes.secret = options.secret;
  if (options.generateSecret) changes.generateSecret = true;
  if (options.redirectUri !== undefined) changes.loginRedirectUris = options.redirectUri;
  if (options.logoutUri !== undefined) changes.logoutRedirectUris = options.logoutUri;
  if (options.scope !== undefined) changes.scopes = options.scope;
  if (create && options.internalUsers === undefined && options.communityUsers === undefined) {
    changes.allowInternalUsers = true; // the default user kind
    changes.allowCommunityUsers = false;
  } else if (create) {
    changes.allowInternalUsers = options.internalUsers === true;
    changes.allowCommunityUsers = options.communityUsers === true;
  } else {
    if (options.internalUsers !== undefined) changes.allowInternalUsers = options.internalUsers;
    if (options.communityUsers !== undefined) changes.allowCommunityUsers = options.communityUsers;
  }
  if (options.refreshTokens !== undefined) changes.allowRefreshTokens = options.refreshTokens;
  if (options.consent !== undefined) changes.requireConsent = options.consent;
  if (options.requireMfa !== undefined) changes.requireMfa = options.requireMfa;
  if (options.adminApi !== undefined) changes.adminApi = options.adminApi;
  if (options.requirePar !== undefined) changes.requirePar = options.requirePar;
  if (options.requireDpop !== undefined) changes.requireDpop = options.requireDpop;
  if (options.accessTokenLifetime !== undefined) changes.accessTokenLifetime = options.accessTokenLifetime;
  if (options.refreshTokenLifetime !== undefined) changes.refreshTokenLifetime = options.refreshTokenLifetime;
  if (options.idTokenAlg !== undefined) changes.idTokenSignedResponseAlg = chosenAlg(options.idTokenAlg);
  if (options.accessTokenAlg !== undefined) changes.accessTokenSigningAlg = chosenAlg(options.accessTokenAlg);
  if (options.refreshReuseGrace !== undefined) {
    changes.refreshReuseGraceSeconds = options.refreshReuseGrace === 'default' ? null : options.refreshReuseGrace;
  }
  if (options.accessTokens !== undefined) changes.accessTokens = options.accessTokens;
  if (options.systemUser === false) changes.systemUser = null;
  else if (options.systemUser !== undefined) changes.systemUser = options.systemUser;
  if (options.jwks === false) {
    if (options.jwksFile !== undefined || options.jwksUri !== undefined) {
      throw new CliUsageError('give either --no-jwks or new keys (--jwks-file, --jwks-uri), not both');
    }
    changes.jwks = null;
    changes.jwksUri = null;
  }
  if (options.jwksFile !== undefined) changes.jwks = readJwksFile(options.jwksFile);
  if (options.jwksUri !== undefined) changes.jwksUri = options.jwksUri;
  return changes;
}

/** The JWK Set in a file; the service checks its keys. */
function readJwksFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read --jwks-file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliUsageError(`--jwks-file ${path} is not JSON (expected a JWK Set: {"keys": [...]})`);
  }
}


/** `--refresh-reuse-grace`: seconds (or a duration), or `default` for REFRESH_REUSE_GRACE_SECONDS (commander turns a null into ''). */
function parseGrace(value: string): number | 'default' {
  return value.trim() === 'default' ? 'default' : parseDuration(value);
}

function chosenAlg(choice: SigningAlgChoice): SigningAlg | null {
  return choice === 'default' ? null : choice;
}

function printResult(
  verb: string,
  app: TrustedApplication,
  generatedSecret: string | undefined,
  json: boolean,
  serverAlg: SigningAlg,
  systemUserLogin?: string,
): void {
  if (json) {
    printJson(generatedSecret === undefined ? { app: appView(app) } : { app: appView(app), generatedSecret });
    return;
  }
  printLine(`${verb} app ${app.clientId} (${app.clientType}).`);
  printApp(app, serverAlg, systemUserLogin);
  if (generatedSecret !== undefined) {
    printLine();
    printLine('Client secret (shown only this once; store it now, it cannot be shown again):');
    printLine(generatedSecret);
  }
}

async function systemUserLogin(ctx: { store: Store }, app: TrustedApplication): Promise<string | undefined> {
  return app.systemUserId ? (await ctx.store.users.getById(app.systemUserId))?.login : undefined;
}

export function registerAppCommands(program: Command, env: Env): void {
  const app = program.command('app').description('manage Trusted Applications');

  withAppOptions(app.command('create <applicationUri>').description('register a Trusted Application'), true).action(
    async (clientId: string, options: AppOptions) => {
      const changes = await changesFrom(options, true);
      await withCliContext(env, async (ctx) => {
        const result = await new AppService(ctx).create({
          ...changes,
          clientId,
          displayName: changes.displayName ?? '',
          clientType: changes.clientType ?? 'confidential',
          loginRedirectUris: changes.loginRedirectUris ?? [],
        });
        const login = await systemUserLogin(ctx, result.app);
        printResult('Created', result.app, result.generatedSecret, options.json === true, ctx.config.signingAlg, login);
      });
    },
  );

  withAppOptions(
    app.command('update <applicationUri>').description('change an app (given lists replace the old ones)'),
    false,
  ).action(async (clientId: string, options: AppOptions) => {
    const changes = await changesFrom(options, false);
    await withCliContext(env, async (ctx) => {
      const result = await new AppService(ctx).update(clientId, changes);
      const login = await systemUserLogin(ctx, result.app);
      printResult('Updated', result.app, result.generatedSecret, options.json === true, ctx.config.signingAlg, login);
    });
  });

  app
    .command('list')
    .description('list the registered apps')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const apps = await new AppService(ctx).list();
        if (options.json) return printJson(apps.map(appView));
        printTable(
          ['APPLICATION URI', 'NAME', 'TYPE', 'ENABLED', 'USERS', 'SCOPES'],
          apps.map((a) => [
            a.clientId,
            isBuiltInClientId(a.clientId) ? `${a.displayName} (built-in)` : a.displayName,
            a.clientType,
            yesNo(a.enabled),
            userKinds(a),
            a.scopes.join(' '),
          ]),
        );
      });
    });

  app
    .command('show <applicationUri>')
    .description('show an app and its secrets (never their values)')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { app: found, secrets } = await new AppService(ctx).show(clientId);
        if (options.json) return printJson({ app: appView(found), secrets: secrets.map(secretJson) });
        printApp(found, ctx.config.signingAlg, await systemUserLogin(ctx, found));
        if (found.clientType === 'confidential') {
          printLine();
          printLine('Secrets:');
          printSecrets(secrets);
        }
      });
    });

  for (const [name, description] of [
    ['enable', 'turn an app back on'],
    ['disable', 'turn an app off at once (kill switch: every node refuses it within seconds)'],
  ] as const) {
    app
      .command(`${name} <applicationUri>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (clientId: string, options: { json?: boolean }) => {
        await withCliContext(env, async (ctx) => {
          const service = new AppService(ctx);
          const changed = name === 'enable' ? await service.enable(clientId) : await service.disable(clientId);
          if (options.json) return printJson({ app: appView(changed) });
          printLine(`App ${changed.clientId} is ${changed.enabled ? 'enabled' : 'disabled'}.`);
        });
      });
  }

  app
    .command('delete <applicationUri>')
    .description('delete an app, its secrets, consents and refresh tokens')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        await new AppService(ctx).delete(clientId);
        if (options.json) return printJson({ deleted: clientId });
        printLine(`Deleted app ${clientId}.`);
      });
    });

  registerAppSecretCommands(app, env);
  registerAppFailuresCommand(app, env);
  registerAppLintCommand(app, env);
}
