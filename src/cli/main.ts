#!/usr/bin/env node
import '../threadpool-size.js'; // first: sizes libuv's thread pool before it starts
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

// `trustgate app list | head -1`: a closed pipe ends the program quietly, not with a stack trace
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`trustgate: cannot write the output: ${error.message}\n`);
  process.exit(1);
});

void main(process.argv);
