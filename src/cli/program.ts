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
    .showSuggestionAfterError(true)
    .exitOverride();
  registerServerCommands(program, env);
  registerAppCommands(program, env);
  registerUserCommands(program, env);
  registerKeysCommands(program, env);
  return program;
}
