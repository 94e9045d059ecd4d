import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { ConfigFileService, configToYaml, parseConfigText, type ConfigChange, type SecretResolver } from '../../admin/config-file-service.js';
import { LintService } from '../../admin/lint-service.js';
import { withCliContext } from '../cli-context.js';
import { CliUsageError } from '../cli-error.js';
import { printJson, printLine } from '../output.js';

/** Exit status of `app lint` when it found warnings (0: none; 1: refused, e.g. unknown app; 2: usage). */
export const LINT_WARNINGS_EXIT = 3;

const show = (value: unknown): string => JSON.stringify(value);

const EXPORT_HEADER =
  '# Trustgate configuration: apps and their settings (trustgate export).\n' +
  '# Apply with: trustgate apply -f <this file> [--dry-run]   (idempotent; never deletes)\n' +
  '# Secrets are never written here. To give a confidential app a secret, reference it:\n' +
  '#   secrets: [{ secretFrom: { env: MY_APP_SECRET } }]   or   { secretFrom: { file: /run/secrets/my-app } }\n';

function printChanges(changes: ConfigChange[], dryRun: boolean): void {
  for (const change of changes) {
    switch (change.kind) {
      case 'create':
        printLine(`+ create app ${change.clientId}`);
        for (const [name, value] of Object.entries(change.settings)) printLine(`    ${name}: ${show(value)}`);
        for (const secret of change.secrets) printLine(`    secret from ${secret}`);
        break;
      case 'update':
        printLine(`~ update app ${change.clientId}`);
        for (const { field, from, to } of change.changes) printLine(`    ${field}: ${show(from)} → ${show(to)}`);
        break;
      case 'add_secret':
        printLine(`+ add secret to app ${change.clientId} from ${change.secret}`);
        break;
      case 'unchanged':
        printLine(`= app ${change.clientId} unchanged`);
        break;
      case 'create_api':
        printLine(`+ create API ${change.audience}`);
        printLine(`    displayName: ${show(change.displayName)}`);
        printLine(`    scopes: ${show(change.scopes)}`);
        for (const secret of change.secrets) printLine(`    secret from ${secret}`);
        break;
      case 'update_api':
        printLine(`~ update API ${change.audience}`);
        for (const { field, from, to } of change.changes) printLine(`    ${field}: ${show(from)} → ${show(to)}`);
        break;
      case 'add_api_secret':
        printLine(`+ add secret to API ${change.audience} from ${change.secret}`);
        break;
      case 'unchanged_api':
        printLine(`= API ${change.audience} unchanged`);
        break;
    }
  }
  const count = (kind: ConfigChange['kind']) => changes.filter((change) => change.kind === kind).length;
  const created = count('create') + count('create_api');
  const updated = count('update') + count('update_api');
  const secrets = count('add_secret') + count('add_api_secret');
  if (created + updated + secrets === 0) {
    printLine('No changes.');
    return;
  }
  const unchanged = count('unchanged') + count('unchanged_api');
  const summary = `${created} created, ${updated} updated, ${secrets} secret${secrets === 1 ? '' : 's'} added, ${unchanged} unchanged`;
  printLine(dryRun ? `Dry run: would apply ${summary}; nothing was changed.` : `Applied: ${summary}.`);
}

/** Reads `secretFrom` references: environment variables of this command, files relative to the configuration file. */
function secretResolver(env: Env, baseDir: string): SecretResolver {
  return async (ref) => {
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined) return { problem: 'is not set' };
      if (value === '') return { problem: 'is empty' };
      return { value };
    }
    try {
      const value = (await readFile(path.resolve(baseDir, ref.file), 'utf8')).replace(/\r?\n$/, '');
      return value === '' ? { problem: 'is empty' } : { value };
    } catch (error) {
      return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  };
}

export function registerConfigFileCommands(program: Command, env: Env): void {
  program
    .command('export')
    .description('print every app and its settings as a YAML file for `trustgate apply` (never a secret)')
    .option('--json', 'print JSON instead of YAML')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const doc = await new ConfigFileService(ctx).export();
        if (options.json) return printJson(doc);
        process.stdout.write(EXPORT_HEADER + configToYaml(doc));
      });
    });

  program
    .command('apply')
    .description('bring the apps to what a YAML file says (idempotent; never deletes); prints the changes')
    .requiredOption('-f, --file <file>', 'the YAML file (as `trustgate export` writes it); - reads standard input')
    .option('--dry-run', 'print the changes without making them')
    .option('--json', 'print the changes as JSON')
    .action(async (options: { file: string; dryRun?: boolean; json?: boolean }) => {
      let text: string;
      try {
        text = options.file === '-' ? await readStdin() : await readFile(options.file, 'utf8');
      } catch (error) {
        throw new CliUsageError(`cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      const doc = parseConfigText(text);
      const baseDir = options.file === '-' ? process.cwd() : path.dirname(path.resolve(options.file));
      await withCliContext(env, async (ctx) => {
        const changes = await new ConfigFileService(ctx).apply(doc, secretResolver(env, baseDir), { dryRun: options.dryRun === true });
        if (options.json) return printJson({ dryRun: options.dryRun === true, changes });
        printChanges(changes, options.dryRun === true);
      });
    });
}

export function registerAppLintCommand(app: Command, env: Env): void {
  app
    .command('lint [applicationUri]')
    .description(`warn about registrations that work but are risky (exit ${LINT_WARNINGS_EXIT} when there are warnings)`)
    .option('--json', 'print the warnings as a JSON array')
    .action(async (clientId: string | undefined, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { apps, warnings } = await new LintService(ctx).lint(clientId);
        if (options.json) printJson(warnings);
        else if (warnings.length === 0) printLine(`No warnings (${apps} app${apps === 1 ? '' : 's'} checked).`);
        else {
          for (const warning of warnings) printLine(`${warning.clientId}: ${warning.rule}: ${warning.message}`);
          printLine(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (${apps} app${apps === 1 ? '' : 's'} checked).`);
        }
        if (warnings.length > 0) process.exitCode = LINT_WARNINGS_EXIT;
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
