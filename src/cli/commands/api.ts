import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { ApiService, type ApiChanges } from '../../admin/api-service.js';
import type { RegisteredApi } from '../../domain/registered-api.js';
import { CliUsageError } from '../cli-error.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printFields, printJson, printLine, printTable } from '../output.js';
import { parseDuration, parseTime } from '../parse.js';
import { readLineFromStdin } from '../read-secret.js';
import { printSecrets, secretJson } from './app-secret.js';

/** A registered API as scripts see it (`--json`): never a secret or a hash. */
export function apiView(api: RegisteredApi): Record<string, unknown> {
  return {
    audience: api.audience,
    displayName: api.displayName,
    scopes: api.scopes,
    createdAt: isoTime(api.createdAt),
    updatedAt: isoTime(api.updatedAt),
  };
}

function printApi(api: RegisteredApi): void {
  printFields([
    ['Audience', api.audience],
    ['Name', api.displayName],
    ['Scopes', api.scopes.join(' ')],
    ['Created', isoTime(api.createdAt) ?? ''],
    ['Updated', isoTime(api.updatedAt) ?? ''],
  ]);
}

function printGenerated(secret: string): void {
  printLine('API secret (shown only this once; store it now, it cannot be shown again):');
  printLine(secret);
}

interface CreateOptions {
  name: string;
  scope: string;
  generateSecret?: boolean;
  secretStdin?: boolean;
  json?: boolean;
}

/**
 * `trustgate api …`: registered APIs (protected resources). An API owns scopes (a token granted one names
 * the API in `aud`) and authenticates with its audience and a secret at /connect/introspect and
 * /connect/revocations.
 */
export function registerApiCommands(program: Command, env: Env): void {
  const api = program.command('api').description('manage registered APIs (token audiences that introspect and read the revocation feed)');

  api
    .command('create <audience>')
    .description('register an API: its audience, name, scopes and a secret')
    .requiredOption('--name <text>', 'display name')
    .requiredOption('--scope <scopes>', 'space-delimited scopes that belong to this API, e.g. "erp.read erp.write"')
    .option('--generate-secret', 'generate a 256-bit secret, shown once')
    .option('--secret-stdin', 'read the secret from one line of standard input (at least 32 characters)')
    .option('--json', 'print JSON')
    .action(async (audience: string, options: CreateOptions) => {
      if (options.generateSecret === options.secretStdin) {
        throw new CliUsageError('give exactly one of --generate-secret and --secret-stdin');
      }
      const secret = options.secretStdin ? await readLineFromStdin('API secret: ') : undefined;
      await withCliContext(env, async (ctx) => {
        const result = await new ApiService(ctx).create({
          audience,
          displayName: options.name,
          scopes: options.scope,
          ...(secret === undefined ? { generateSecret: true } : { secret }),
        });
        if (options.json) {
          return printJson(result.generatedSecret === undefined ? { api: apiView(result.api) } : { api: apiView(result.api), generatedSecret: result.generatedSecret });
        }
        printLine(`Created API ${result.api.audience}.`);
        printApi(result.api);
        if (result.generatedSecret !== undefined) {
          printLine();
          printGenerated(result.generatedSecret);
        }
      });
    });

  api
    .command('update <audience>')
    .description("change an API's name or scopes (--scope replaces the list)")
    .option('--name <text>', 'display name')
    .option('--scope <scopes>', 'space-delimited scopes that belong to this API')
    .option('--json', 'print JSON')
    .action(async (audience: string, options: { name?: string; scope?: string; json?: boolean }) => {
      const changes: ApiChanges = {};
      if (options.name !== undefined) changes.displayName = options.name;
      if (options.scope !== undefined) changes.scopes = options.scope;
      await withCliContext(env, async (ctx) => {
        const updated = await new ApiService(ctx).update(audience, changes);
        if (options.json) return printJson({ api: apiView(updated) });
        printLine(`Updated API ${updated.audience}.`);
        printApi(updated);
      });
    });

  api
    .command('list')
    .description('list the registered APIs')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const apis = await new ApiService(ctx).list();
        if (options.json) return printJson(apis.map(apiView));
        printTable(['AUDIENCE', 'NAME', 'SCOPES'], apis.map((a) => [a.audience, a.displayName, a.scopes.join(' ')]));
      });
    });

  api
    .command('show <audience>')
    .description('show an API and its secrets (never their values)')
    .option('--json', 'print JSON')
    .action(async (audience: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { api: found, secrets } = await new ApiService(ctx).show(audience);
        if (options.json) return printJson({ api: apiView(found), secrets: secrets.map(secretJson) });
        printApi(found);
        printLine();
        printLine('Secrets:');
        printSecrets(secrets);
      });
    });

  api
    .command('delete <audience>')
    .description('delete an API and its secrets (its scopes go back to the default API, API_AUDIENCE)')
    .option('--json', 'print JSON')
    .action(async (audience: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        await new ApiService(ctx).delete(audience);
        if (options.json) return printJson({ deleted: audience });
        printLine(`Deleted API ${audience}.`);
      });
    });

  const secret = api.command('secret').description("manage an API's secrets");
  secret
    .command('add <audience>')
    .description('add a secret (generated unless --secret-stdin is given); others stay active')
    .option('--secret-stdin', 'read the secret from one line of standard input')
    .option('--generate-secret', 'generate a 256-bit secret, shown once (the default)')
    .option('--expires-in <duration>', 'the secret stops working after this long (e.g. 90d)', parseDuration)
    .option('--expires-at <time>', 'the secret stops working at this time (ISO 8601)', parseTime)
    .option('--description <text>', 'a note for administrators')
    .option('--json', 'print JSON')
    .action(
      async (
        audience: string,
        options: { secretStdin?: boolean; generateSecret?: boolean; expiresIn?: number; expiresAt?: number; description?: string; json?: boolean },
      ) => {
        if (options.secretStdin && options.generateSecret) throw new CliUsageError('give either --secret-stdin or --generate-secret, not both');
        if (options.expiresIn !== undefined && options.expiresAt !== undefined) {
          throw new CliUsageError('give either --expires-in or --expires-at, not both');
        }
        const value = options.secretStdin ? await readLineFromStdin('API secret: ') : undefined;
        await withCliContext(env, async (ctx) => {
          const expiresAt = options.expiresAt ?? (options.expiresIn !== undefined ? ctx.now() + options.expiresIn * 1000 : null);
          const result = await new ApiService(ctx).addSecret(audience, {
            ...(value === undefined ? { generateSecret: true } : { secret: value }),
            expiresAt,
            description: options.description ?? null,
          });
          if (options.json) {
            return printJson(
              result.generatedSecret === undefined
                ? { secret: secretJson(result.secret) }
                : { secret: secretJson(result.secret), generatedSecret: result.generatedSecret },
            );
          }
          printLine(`Added secret ${result.secret.id} to ${audience}${expiresAt ? ` (expires ${isoTime(expiresAt)})` : ''}.`);
          if (result.generatedSecret !== undefined) printGenerated(result.generatedSecret);
        });
      },
    );
  secret
    .command('list <audience>')
    .description("list an API's secrets (ids and status, never the values)")
    .option('--json', 'print JSON')
    .action(async (audience: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const secrets = await new ApiService(ctx).listSecrets(audience);
        if (options.json) return printJson(secrets.map(secretJson));
        printSecrets(secrets);
      });
    });
  secret
    .command('revoke <audience> <secretId>')
    .description('revoke a secret at once')
    .option('--force', "also revoke the API's last active secret (locks the API out)")
    .option('--json', 'print JSON')
    .action(async (audience: string, secretId: string, options: { force?: boolean; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const revoked = await new ApiService(ctx).revokeSecret(audience, secretId, { force: options.force === true });
        if (options.json) return printJson({ secret: secretJson(revoked) });
        printLine(`Revoked secret ${revoked.id} of ${audience}.`);
      });
    });
}
