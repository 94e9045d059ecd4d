import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { serve } from '../../serve.js';
import { withCliContext } from '../cli-context.js';
import { printJson, printLine } from '../output.js';

export function registerServerCommands(program: Command, env: Env): void {
  program
    .command('serve')
    .description('run the server (same as npm start; configured by PORT, ISSUER_URL, DATABASE_URL, ...)')
    .action(async () => {
      await serve(env as NodeJS.ProcessEnv);
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
