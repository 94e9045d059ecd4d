import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { AppService } from '../../admin/app-service.js';
import type { SecretInfo } from '../../admin/secret-info.js';
import { CliUsageError } from '../cli-error.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printJson, printLine, printTable } from '../output.js';
import { parseDuration, parseTime } from '../parse.js';
import { readLineFromStdin } from '../read-secret.js';

export function printSecrets(secrets: SecretInfo[]): void {
  printTable(
    ['ID', 'STATUS', 'CREATED', 'EXPIRES', 'DESCRIPTION'],
    secrets.map((s) => [
      s.id,
      s.status,
      isoTime(s.createdAt) ?? '',
      isoTime(s.expiresAt) ?? 'never',
      s.description ?? '',
    ]),
  );
}

interface AddOptions {
  secret?: string;
  secretStdin?: boolean;
  generateSecret?: boolean;
  expiresIn?: number;
  expiresAt?: number;
  description?: string;
  json?: boolean;
}

/** `trustgate app secret add|list|revoke`: several secrets may be active at once, for rotation without downtime. */
export function registerAppSecretCommands(app: Command, env: Env): void {
  const secret = app.command('secret').description("manage a confidential app's client secrets");

  secret
    .command('add <applicationUri>')
    .description('add a client secret (generated unless --secret or --secret-stdin is given); others stay active')
    .option('--secret <value>', 'the secret, given by hand (at least 32 characters)')
    .option('--secret-stdin', 'read the secret from one line of standard input')
    .option('--generate-secret', 'generate a 256-bit secret, shown once (the default)')
    .option('--expires-in <duration>', 'the secret stops working after this long (e.g. 90d)', parseDuration)
    .option('--expires-at <time>', 'the secret stops working at this time (ISO 8601)', parseTime)
    .option('--description <text>', 'a note for administrators, e.g. "2026 rotation"')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: AddOptions) => {
      const given = [options.secret !== undefined, options.secretStdin === true, options.generateSecret === true];
      if (given.filter(Boolean).length > 1) {
        throw new CliUsageError('give only one of --secret, --secret-stdin and --generate-secret');
      }
      if (options.expiresIn !== undefined && options.expiresAt !== undefined) {
        throw new CliUsageError('give either --expires-in or --expires-at, not both');
      }
      const value = options.secretStdin ? await readLineFromStdin('Client secret: ') : options.secret;
      await withCliContext(env, async (ctx) => {
        const expiresAt =
          options.expiresAt ?? (options.expiresIn !== undefined ? ctx.now() + options.expiresIn * 1000 : null);
        const result = await new AppService(ctx).addSecret(clientId, {
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
        printLine(`Added secret ${result.secret.id} to ${clientId}${expiresAt ? ` (expires ${isoTime(expiresAt)})` : ''}.`);
        if (result.generatedSecret !== undefined) {
          printLine('Client secret (shown only this once; store it now, it cannot be shown again):');
          printLine(result.generatedSecret);
        }
      });
    });

  secret
    .command('list <applicationUri>')
    .description("list an app's secrets (ids and status, never the values)")
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const secrets = await new AppService(ctx).listSecrets(clientId);
        if (options.json) return printJson(secrets.map(secretJson));
        printSecrets(secrets);
      });
    });

  secret
    .command('revoke <applicationUri> <secretId>')
    .description('revoke a secret at once')
    .option('--force', "also revoke the app's last active secret (locks the app out)")
    .option('--json', 'print JSON')
    .action(async (clientId: string, secretId: string, options: { force?: boolean; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const revoked = await new AppService(ctx).revokeSecret(clientId, secretId, { force: options.force === true });
        if (options.json) return printJson({ secret: secretJson(revoked) });
        printLine(`Revoked secret ${revoked.id} of ${clientId}.`);
      });
    });
}

/** A secret as scripts see it (`--json`): id and status, never the value or the hash. */
export function secretJson(secret: {
  id: string;
  description: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  status: string;
}): Record<string, unknown> {
  return {
    id: secret.id,
    status: secret.status,
    description: secret.description,
    createdAt: isoTime(secret.createdAt),
    expiresAt: isoTime(secret.expiresAt),
    revokedAt: isoTime(secret.revokedAt),
  };
}
