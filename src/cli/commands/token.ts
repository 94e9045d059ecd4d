import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { ReferenceTokenService, type ReferenceTokenInfo } from '../../admin/reference-token-service.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printJson, printLine, printTable } from '../output.js';
import { parseDuration } from '../parse.js';

/** A reference token as scripts see it (`--json`): never the value or its hash. */
export function tokenView(token: ReferenceTokenInfo): Record<string, unknown> {
  return {
    id: token.id,
    status: token.status,
    user: token.login,
    userId: token.userId,
    app: token.clientId,
    scope: token.scope.join(' '),
    description: token.description,
    createdBy: token.createdBy,
    createdAt: isoTime(token.createdAt),
    expiresAt: isoTime(token.expiresAt),
    revokedAt: isoTime(token.revokedAt),
  };
}

const ADMIN = { kind: 'admin' } as const;

/** `trustgate token create|list|revoke`: long-lived reference tokens for apps that allow them (`app … --access-tokens`). */
export function registerTokenCommands(program: Command, env: Env): void {
  const token = program.command('token').description('manage long-lived reference tokens (opaque, checked by introspection)');

  token
    .command('create')
    .description("issue a reference token for a user and an app (shown once; the app's --access-tokens must be users or admins)")
    .requiredOption('--user <login>', "the user the token acts for (login or id)")
    .requiredOption('--app <uri>', "the app's ApplicationUri")
    .requiredOption('--scope <scopes>', 'space-delimited API scopes the app may be granted, e.g. "read"')
    .requiredOption('--expires-in <duration>', 'lifetime, e.g. 90d (at most 366d)', parseDuration)
    .option('--description <text>', 'what the token is for')
    .option('--json', 'print JSON')
    .action(async (options: { user: string; app: string; scope: string; expiresIn: number; description?: string; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const created = await new ReferenceTokenService(ctx).create(
          { user: options.user, clientId: options.app, scope: options.scope, expiresIn: options.expiresIn, description: options.description ?? null },
          ADMIN,
        );
        if (options.json) return printJson({ token: tokenView(created.token), value: created.value });
        printLine(`Created reference token ${created.token.id} for ${created.token.login} at ${created.token.clientId} (expires ${isoTime(created.token.expiresAt)}).`);
        printLine('Token (shown only this once; store it now, it cannot be shown again):');
        printLine(created.value);
      });
    });

  token
    .command('list')
    .description('list reference tokens (ids and status, never the values)')
    .option('--user <login>', "only this user's")
    .option('--app <uri>', "only this app's")
    .option('--json', 'print JSON')
    .action(async (options: { user?: string; app?: string; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const tokens = await new ReferenceTokenService(ctx).list({
          ...(options.user !== undefined ? { user: options.user } : {}),
          ...(options.app !== undefined ? { clientId: options.app } : {}),
        });
        if (options.json) return printJson(tokens.map(tokenView));
        printTable(
          ['ID', 'STATUS', 'USER', 'APP', 'SCOPE', 'EXPIRES', 'DESCRIPTION'],
          tokens.map((t) => [t.id, t.status, t.login ?? t.userId, t.clientId, t.scope.join(' '), isoTime(t.expiresAt) ?? '', t.description ?? '']),
        );
      });
    });

  token
    .command('revoke <id>')
    .description('revoke a reference token at once (APIs reading the revocation feed refuse it within a poll)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const revoked = await new ReferenceTokenService(ctx).revoke(id, ADMIN);
        if (options.json) return printJson({ token: tokenView(revoked) });
        printLine(`Revoked reference token ${revoked.id}.`);
      });
    });
}
