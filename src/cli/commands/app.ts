import { Command, Option } from 'commander';
import type { Env } from '../../config/config.js';
import { AppService, type AppChanges } from '../../admin/app-service.js';
import { tokenSigningAlgs, type TrustedApplication } from '../../domain/trusted-application.js';
import { isBuiltInClientId } from '../../domain/built-in-apps.js';
import { SIGNING_ALGS, type SigningAlg } from '../../domain/signing-alg.js';
import { CliUsageError } from '../cli-error.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printFields, printJson, printLine, printTable, seconds, yesNo } from '../output.js';
import { collect, parseDuration } from '../parse.js';
import { readLineFromStdin } from '../read-secret.js';
import { registerAppSecretCommands, printSecrets, secretJson } from './app-secret.js';
import { registerAppFailuresCommand } from './audit.js';

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
  accessTokenLifetime?: number;
  refreshTokenLifetime?: number;
  idTokenAlg?: SigningAlgChoice;
  accessTokenAlg?: SigningAlgChoice;
  json?: boolean;
}

/** A signing algorithm, or `default` to follow the server's SIGNING_ALG. */
type SigningAlgChoice = SigningAlg | 'default';
const SIGNING_ALG_CHOICES: readonly SigningAlgChoice[] = [...SIGNING_ALGS, 'default'];

/** An app as scripts see it (`--json`): never a secret or a hash. */
export function appView(app: TrustedApplication): Record<string, unknown> {
  return {
    clientId: app.clientId,
    displayName: app.displayName,
    clientType: app.clientType,
    builtIn: isBuiltInClientId(app.clientId),
    enabled: app.enabled,
    loginRedirectUris: app.loginRedirectUris,
    logoutRedirectUris: app.logoutRedirectUris,
    scopes: app.scopes,
    allowInternalUsers: app.allowInternalUsers,
    allowCommunityUsers: app.allowCommunityUsers,
    allowRefreshTokens: app.allowRefreshTokens,
    requireConsent: app.requireConsent,
    requireMfa: app.requireMfa,
    accessTokenLifetime: app.accessTokenLifetime,
    refreshTokenLifetime: app.refreshTokenLifetime,
    // null: the server's SIGNING_ALG
    idTokenSignedResponseAlg: app.idTokenSignedResponseAlg,
    accessTokenSigningAlg: app.accessTokenSigningAlg,
    createdAt: isoTime(app.createdAt),
    updatedAt: isoTime(app.updatedAt),
  };
}

function userKinds(app: TrustedApplication): string {
  return [app.allowInternalUsers ? 'internal' : '', app.allowCommunityUsers ? 'community' : ''].filter(Boolean).join(', ');
}

/** An algorithm as the app's readable view shows it: its own choice, or the server's default. */
function algorithmText(chosen: SigningAlg | null, effective: SigningAlg): string {
  return chosen === null ? `${effective} (SIGNING_ALG)` : chosen;
}

function printApp(app: TrustedApplication, serverAlg: SigningAlg): void {
  const algs = tokenSigningAlgs(app, serverAlg);
  printFields([
    ['ApplicationUri', app.clientId],
    ['Name', app.displayName],
    ['Type', app.clientType],
    ...(isBuiltInClientId(app.clientId) ? [['Built-in', 'yes (registered by every server at start-up; cannot be changed)'] as [string, string]] : []),
    ['Enabled', yesNo(app.enabled)],
    ['Login redirect URIs', app.loginRedirectUris.join(' ')],
    ['Logout redirect URIs', app.logoutRedirectUris.join(' ') || '(none)'],
    ['Scopes', app.scopes.join(' ') || '(protocol scopes only)'],
    ['Users', userKinds(app)],
    ['Refresh tokens', yesNo(app.allowRefreshTokens)],
    ['Consent', app.requireConsent ? 'asked' : 'not asked'],
    ['Second factor', app.requireMfa ? 'required' : 'when the user has one'],
    ['Access-token lifetime', seconds(app.accessTokenLifetime)],
    ['Refresh-token lifetime', seconds(app.refreshTokenLifetime)],
    ['ID-token algorithm', algorithmText(app.idTokenSignedResponseAlg, algs.idToken)],
    ['Access-token algorithm', algorithmText(app.accessTokenSigningAlg, algs.accessToken)],
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
    .option('--access-token-lifetime <seconds>', 'access-token lifetime (default 3600)', parseDuration)
    .option('--refresh-token-lifetime <seconds>', 'refresh-token lifetime (default 30 d confidential, 24 h public)', parseDuration)
    .addOption(new Option('--id-token-alg <alg>', 'signs the app\'s ID tokens (default: SIGNING_ALG)').choices(SIGNING_ALG_CHOICES))
    .addOption(new Option('--access-token-alg <alg>', 'signs the app\'s access tokens (default: SIGNING_ALG)').choices(SIGNING_ALG_CHOICES))
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
  if (options.accessTokenLifetime !== undefined) changes.accessTokenLifetime = options.accessTokenLifetime;
  if (options.refreshTokenLifetime !== undefined) changes.refreshTokenLifetime = options.refreshTokenLifetime;
  if (options.idTokenAlg !== undefined) changes.idTokenSignedResponseAlg = chosenAlg(options.idTokenAlg);
  if (options.accessTokenAlg !== undefined) changes.accessTokenSigningAlg = chosenAlg(options.accessTokenAlg);
  return changes;
}

function chosenAlg(choice: SigningAlgChoice): SigningAlg | null {
  return choice === 'default' ? null : choice;
}

function printResult(verb: string, app: TrustedApplication, generatedSecret: string | undefined, json: boolean, serverAlg: SigningAlg): void {
  if (json) {
    printJson(generatedSecret === undefined ? { app: appView(app) } : { app: appView(app), generatedSecret });
    return;
  }
  printLine(`${verb} app ${app.clientId} (${app.clientType}).`);
  printApp(app, serverAlg);
  if (generatedSecret !== undefined) {
    printLine();
    printLine('Client secret (shown only this once; store it now, it cannot be shown again):');
    printLine(generatedSecret);
  }
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
        printResult('Created', result.app, result.generatedSecret, options.json === true, ctx.config.signingAlg);
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
      printResult('Updated', result.app, result.generatedSecret, options.json === true, ctx.config.signingAlg);
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
        printApp(found, ctx.config.signingAlg);
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
}
