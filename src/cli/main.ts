#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { describeCliError } from './cli-error.js';

/** Exit codes: 0 success; 1 refused or failed (one line on stderr); 2 usage error (from commander). */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram(process.env);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its one-line message (or the help)
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`trustgate: ${describeCliError(error)}\n`);
    process.exitCode = 1;
  }
}

void main(process.argv);
