import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Env } from '../config/config.js';
import { registerAppCommands } from './commands/app.js';
import { registerUserCommands } from './commands/user.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerServerCommands } from './commands/server.js';
import { registerAuditCommands } from './commands/audit.js';

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
  registerAuditCommands(program, env);
  return program;
}

/**
 * The version in Trustgate's package.json: the nearest one above this file named "trustgate" (the
 * compiled CLI lives in dist/src/cli/, or test-output/dist/src/cli/ when `npm test` built it).
 */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'trustgate') return pkg.version ?? 'unknown';
    } catch {
      // no (readable) package.json here: look further up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
