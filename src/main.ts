#!/usr/bin/env node
import { ConfigError } from './config/config-error.js';
import { serve } from './serve.js';

serve().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`trustgate: ${error.message}\n`);
  } else {
    process.stderr.write(`trustgate: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
