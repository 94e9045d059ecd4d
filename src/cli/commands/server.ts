import { InvalidArgumentError, type Command } from 'commander';
import { MAX_WORKERS, type Env } from '../../config/config.js';
import { serve } from '../../serve.js';
import { withCliContext } from '../cli-context.js';
import { printJson, printLine } from '../output.js';
import { backupDatabase } from '../../admin/backup-service.js';

export function registerServerCommands(program: Command, env: Env): void {
  program
    .command('serve')
    .description('run the server (same as npm start; configured by PORT, ISSUER_URL, DATABASE_URL, ...)')
    .option('--workers <n>', `server processes sharing the port, 1-${MAX_WORKERS} (default: WORKERS, else the number of cores)`, parseWorkers)
    .action(async (options: { workers?: number }) => {
      await serve(env as NodeJS.ProcessEnv, options.workers === undefined ? {} : { workers: options.workers });
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        if (options.json) return printJson({ applied: ctx.migrated });
        printLine(ctx.migrated.length === 0 ? 'The database is up to date.' : `Applied ${ctx.migrated.join(', ')}.`);
      });
    });

  program
    .command('backup <file>')
    .description('copy the live SQLite database (and its key-secret file) consistently into a new file; PostgreSQL: use pg_dump')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const result = await backupDatabase(ctx, file);
        if (options.json) return printJson(result);
        printLine(`Backed up the database to ${result.database}.`);
        if (result.keySecretFile) {
          printLine(`Copied the key-secret file to ${result.keySecretFile} (mode 600): keep it with the backup, but apart from`);
          printLine('other copies of the database; without it the signing keys in the backup cannot be decrypted.');
        }
      });
    });
}

function parseWorkers(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) throw new InvalidArgumentError(`expected a whole number between 1 and ${MAX_WORKERS}, got "${value}".`);
  return n;
}
