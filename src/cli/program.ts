import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Env } from '../config/config.js';
import { registerAppCommands } from './commands/app.js';
import { registerUserCommands } from './commands/user.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerServerCommands } from './commands/server.js';

/** The `trustgate` command line: the same configuration (environment) and store as the server. */
export function buildProgram(env: Env): Command {
  const program = new Command('trustgate')
    .description('Trustgate identity server: run it and administer apps, users and signing keys')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .exitOverride();
  registerServerCommands(program, env);
  registerAppCommands(program, env);
  registerUserCommands(program, env);
  registerKeysCommands(program, env);
  return program;
}

/** The version in package.json (dist/src/cli/ → the package root). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
