import { Command, Option } from 'commander';
import type { Env } from '../../config/config.js';
import { UserService, userView, type UserChanges } from '../../admin/user-service.js';
import type { User } from '../../domain/user.js';
import { CliUsageError } from '../cli-error.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printFields, printJson, printLine, printTable, yesNo } from '../output.js';
import { readLineFromStdin } from '../read-secret.js';

function userJson(user: User): Record<string, unknown> {
  const view = userView(user);
  return { ...view, createdAt: isoTime(view.createdAt), updatedAt: isoTime(view.updatedAt) };
}

function printUser(user: User): void {
  printFields([
    ['Login', user.login],
    ['Id (sub)', user.id],
    ['Name', user.displayName],
    ['Email', user.email === null ? '(none)' : `${user.email}${user.emailVerified ? ' (verified)' : ''}`],
    ['Locale', user.locale ?? '(none)'],
    ['Kind', user.kind],
    ['Administrator', yesNo(user.isAdmin)],
    ['Enabled', yesNo(user.enabled)],
    ['Second factor', user.requireMfa ? 'required' : 'when enrolled'],
    ['Created', isoTime(user.createdAt) ?? ''],
    ['Updated', isoTime(user.updatedAt) ?? ''],
  ]);
}

/** The password from --password or --password-stdin (exactly one of them). */
async function passwordFrom(options: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (options.password !== undefined && options.passwordStdin) {
    throw new CliUsageError('give either --password or --password-stdin, not both');
  }
  if (options.passwordStdin) {
    const password = await readLineFromStdin('Password: ');
    if (password === '') throw new CliUsageError('no password on standard input');
    return password;
  }
  if (options.password !== undefined) return options.password;
  throw new CliUsageError('a password is required: give --password-stdin (recommended) or --password <p>');
}

export function registerUserCommands(program: Command, env: Env): void {
  const user = program.command('user').description('manage users');

  user
    .command('create <login>')
    .description('create a user')
    .requiredOption('--name <text>', 'display name')
    .option('--email <address>', 'email address')
    .option('--email-verified', 'the email address is known to belong to the user')
    .option('--locale <tag>', 'preferred language, e.g. en or nl-NL')
    .addOption(new Option('--kind <kind>', 'internal (employee) or community (customer, partner)').choices(['internal', 'community']).makeOptionMandatory())
    .option('--admin', 'the user is an administrator (may use the console and the admin API)')
    .option('--password-stdin', 'read the password from one line of standard input (recommended)')
    .option('--password <password>', 'the password (visible in the process list and shell history)')
    .option('--json', 'print JSON')
    .action(async (login: string, options: {
      name: string; email?: string; emailVerified?: boolean; locale?: string; kind: 'internal' | 'community';
      admin?: boolean; password?: string; passwordStdin?: boolean; json?: boolean;
    }) => {
      const password = await passwordFrom(options);
      await withCliContext(env, async (ctx) => {
        const { user: created } = await new UserService(ctx).create({
          login,
          displayName: options.name,
          email: options.email ?? null,
          emailVerified: options.emailVerified === true,
          locale: options.locale ?? null,
          kind: options.kind,
          isAdmin: options.admin === true,
          password,
        });
        if (options.json) return printJson({ user: userJson(created) });
        printLine(`Created user ${created.login} (${created.kind}).`);
        printUser(created);
      });
    });

  user
    .command('update <login>')
    .description("change a user's profile, kind or administrator flag (by login or id)")
    .option('--name <text>', 'display name')
    .option('--email <address>', 'email address ("" removes it)')
    .option('--email-verified', 'the email address is known to belong to the user')
    .option('--no-email-verified', 'the email address is not verified')
    .option('--locale <tag>', 'preferred language, e.g. en or nl-NL ("" removes it)')
    .addOption(new Option('--kind <kind>', 'internal (employee) or community (customer, partner)').choices(['internal', 'community']))
    .option('--admin', 'the user is an administrator (the console and the admin API)')
    .option('--no-admin', 'the user is not an administrator (takes effect at their next admin API call)')
    .option('--json', 'print JSON')
    .action(async (login: string, options: {
      name?: string; email?: string; emailVerified?: boolean; locale?: string; kind?: 'internal' | 'community'; admin?: boolean; json?: boolean;
    }) => {
      const changes: UserChanges = {};
      if (options.name !== undefined) changes.displayName = options.name;
      if (options.email !== undefined) changes.email = options.email;
      if (options.emailVerified !== undefined) changes.emailVerified = options.emailVerified;
      if (options.locale !== undefined) changes.locale = options.locale;
      if (options.kind !== undefined) changes.kind = options.kind;
      if (options.admin !== undefined) changes.isAdmin = options.admin;
      if (Object.keys(changes).length === 0) throw new CliUsageError('nothing to change: give --name, --email, --locale, --kind, --admin or --no-admin');
      await withCliContext(env, async (ctx) => {
        const changed = await new UserService(ctx).update(login, changes);
        if (options.json) return printJson({ user: userJson(changed) });
        printLine(`Updated user ${changed.login}.`);
        printUser(changed);
      });
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const users = await new UserService(ctx).list();
        if (options.json) return printJson(users.map(userJson));
        printTable(
          ['LOGIN', 'NAME', 'KIND', 'ADMIN', 'ENABLED', 'EMAIL', 'ID'],
          users.map((u) => [u.login, u.displayName, u.kind, yesNo(u.isAdmin), yesNo(u.enabled), u.email ?? '', u.id]),
        );
      });
    });

  user
    .command('show <login>')
    .description('show a user (by login or id)')
    .option('--json', 'print JSON')
    .action(async (login: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const found = await new UserService(ctx).show(login);
        if (options.json) return printJson({ user: userJson(found) });
        printUser(found);
      });
    });

  user
    .command('set-password <login>')
    .description("set a user's password (their sessions end and refresh tokens are revoked)")
    .option('--password-stdin', 'read the password from one line of standard input (recommended)')
    .option('--password <password>', 'the password (visible in the process list and shell history)')
    .option('--json', 'print JSON')
    .action(async (login: string, options: { password?: string; passwordStdin?: boolean; json?: boolean }) => {
      const password = await passwordFrom(options);
      await withCliContext(env, async (ctx) => {
        const changed = await new UserService(ctx).setPassword(login, password);
        if (options.json) return printJson({ user: userJson(changed) });
        printLine(`Password of ${changed.login} changed; their sessions ended and refresh tokens were revoked.`);
      });
    });

  user
    .command('unlock <login>')
    .description("clear a user's sign-in throttle counters (after an attack kept new browsers out)")
    .option('--json', 'print JSON')
    .action(async (login: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { user: unlocked, cleared } = await new UserService(ctx).unlock(login);
        if (options.json) return printJson({ user: userJson(unlocked), cleared });
        printLine(`Cleared ${cleared} sign-in counter${cleared === 1 ? '' : 's'} of ${unlocked.login}.`);
      });
    });

  user
    .command('require-mfa <login>')
    .description('require a second factor of the user at every sign-in (one is enrolled at the next sign-in if they have none)')
    .option('--off', 'no longer require it')
    .option('--json', 'print JSON')
    .action(async (login: string, options: { off?: boolean; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const changed = await new UserService(ctx).setRequireMfa(login, options.off !== true);
        if (options.json) return printJson({ user: userJson(changed) });
        printLine(`${changed.login} ${changed.requireMfa ? 'must use a second factor at every sign-in' : 'no longer has to use a second factor'}.`);
      });
    });

  const mfa = user.command('mfa').description("a user's second factors");
  mfa
    .command('show <login>')
    .description('show which second factors the user has (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (login: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { user: found, ...factors } = await new UserService(ctx).secondFactors(login);
        if (options.json) {
          const passkeys = factors.passkeys.map((p) => ({ ...p, createdAt: isoTime(p.createdAt), lastUsedAt: p.lastUsedAt === null ? null : isoTime(p.lastUsedAt) }));
          return printJson({ login: found.login, required: found.requireMfa, ...factors, passkeys });
        }
        printFields([
          ['Login', found.login],
          ['Required', yesNo(found.requireMfa)],
          ['TOTP app', factors.totp ? 'enrolled' : 'none'],
          ['Recovery codes left', String(factors.recoveryCodesLeft)],
          ['Passkeys', factors.passkeys.length === 0 ? 'none' : factors.passkeys.map((p) => `${p.name} (${p.method})`).join(', ')],
        ]);
      });
    });
  mfa
    .command('reset <login>')
    .description("remove the user's second factors (a lost phone); their sessions end and refresh tokens are revoked")
    .option('--json', 'print JSON')
    .action(async (login: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { user: reset, removed } = await new UserService(ctx).resetSecondFactors(login);
        if (options.json) return printJson({ login: reset.login, removed });
        printLine(`Removed the second factors of ${reset.login} (${removed} record${removed === 1 ? '' : 's'}); their sessions ended.`);
      });
    });

  user
    .command('reset-link <login>')
    .description('print a one-time link at which the user sets a new password (a newer link replaces it)')
    .option('--json', 'print JSON')
    .action(async (login: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const link = await new UserService(ctx).createResetLink(login);
        if (options.json) return printJson({ url: link.url, expiresAt: isoTime(link.expiresAt) });
        printLine(`Password-reset link for ${link.user.login}: it works once, until ${isoTime(link.expiresAt)}; a newer link replaces it.`);
        printLine('Hand it over privately; whoever opens it can set the password:');
        printLine(link.url);
      });
    });

  for (const [name, description] of [
    ['enable', 'allow a user to sign in again'],
    ['disable', 'stop a user from signing in (sessions end, refresh tokens are revoked)'],
  ] as const) {
    user
      .command(`${name} <login>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (login: string, options: { json?: boolean }) => {
        await withCliContext(env, async (ctx) => {
          const service = new UserService(ctx);
          const changed = name === 'enable' ? await service.enable(login) : await service.disable(login);
          if (options.json) return printJson({ user: userJson(changed) });
          printLine(`User ${changed.login} is ${changed.enabled ? 'enabled' : 'disabled'}.`);
        });
      });
  }
}
