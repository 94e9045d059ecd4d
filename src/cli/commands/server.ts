import { InvalidArgumentError, type Command } from 'commander';
import { MAX_WORKERS, type Env } from '../../config/config.js';
import { serve } from '../../serve.js';
import { withCliContext } from '../cli-context.js';
import { printJson, printLine } from '../output.js';

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
}

function parseWorkers(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) throw new InvalidArgumentError(`expected a whole number between 1 and ${MAX_WORKERS}, got "${value}".`);
  return n;
}
