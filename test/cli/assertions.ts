import assert from 'node:assert/strict';
import type { CliResult } from './run-cli.js';

/** Exit 0, nothing on stderr. */
export function succeeded(result: CliResult): void {
  assert.equal(result.code, 0, `expected success, got ${result.code}: ${result.stderr}`);
  assert.equal(result.stderr, '');
}

/** Non-zero exit with exactly one line on stderr (no stack trace) and nothing on stdout. */
export function failedWith(result: CliResult, line: string | RegExp, code = 1): void {
  assert.equal(result.code, code, `expected exit ${code}, got ${result.code}; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.ok(result.stderr.endsWith('\n'), 'the error line ends with a newline');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  if (typeof line === 'string') assert.equal(lines[0], line);
  else assert.match(lines[0]!, line);
}

export function json<T = Record<string, unknown>>(result: CliResult): T {
  succeeded(result);
  return JSON.parse(result.stdout) as T;
}
