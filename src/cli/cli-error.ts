import { AdminError } from '../errors/admin-error.js';
import { cliWording } from './admin-wording.js';
import { ConfigError } from '../config/config-error.js';
import { redactUrl } from '../config/config.js';

/** A command used wrongly in a way commander cannot see (e.g. two options that exclude each other). */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** One line for any error a command can meet; never a stack trace, never a connection password. */
export function describeCliError(error: unknown): string {
  if (error instanceof AdminError) return oneLine(cliWording(error));
  if (error instanceof CliUsageError || error instanceof ConfigError) return oneLine(error.message);
  const e = error as { message?: unknown; code?: unknown; errors?: unknown };
  let message = typeof e?.message === 'string' ? e.message : String(error);
  // network failures (e.g. PostgreSQL unreachable) may arrive as an AggregateError without a message
  if (!message && Array.isArray(e?.errors)) {
    message = (e.errors as { message?: string }[]).map((inner) => inner?.message ?? '').filter(Boolean).join('; ');
  }
  if (!message && typeof e?.code === 'string') message = e.code;
  const network = typeof e?.code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)$/.test(e.code);
  const prefix = network || /ECONNREFUSED|ENOTFOUND|database .* does not exist|password authentication/.test(message)
    ? 'cannot use the database (DATABASE_URL): '
    : '';
  return oneLine(`${prefix}${redactUrl(message || 'unexpected error')}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
