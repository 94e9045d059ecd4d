#!/usr/bin/env node
import './threadpool-size.js'; // first: sizes libuv's thread pool before it starts
import { ConfigError } from './config/config-error.js';
import { describeCliError } from './cli/cli-error.js';
import { serve } from './serve.js';

serve().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`trustgate: ${error.message}\n`);
  } else {
    // one line, naming DATABASE_URL when the database is the problem; never a stack or a password
    process.stderr.write(`trustgate: could not start: ${describeCliError(error)}\n`);
  }
  process.exit(1);
});
