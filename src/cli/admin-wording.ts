import type { AdminError } from '../errors/admin-error.js';

/**
 * How the CLI words the refusals whose remedy is one of its flags. The admin services speak of fields
 * (`secret`, `generateSecret`, `force`); only the CLI knows them as `--secret`, `--generate-secret`,
 * `--force`. Any other refusal is printed as the service worded it.
 */
const WORDING: Record<string, (error: AdminError) => string> = {
  secret_required: () => 'a confidential app must have a secret: give --secret <value> or --generate-secret',
  secret_missing: () => 'give --secret <value> or --generate-secret',
  api_secret_required: () => 'an API authenticates with a secret: give --generate-secret or --secret-stdin',
  api_scope_required: () => 'an API needs at least one scope: give --scope, e.g. --scope "erp.read"',
  secret_choice_conflict: () => 'give either --secret or --generate-secret, not both',
  redirect_uri_required: () => 'at least one login redirect URI is required (--redirect-uri)',
  secret_too_short: (error) => error.message.replace(/; or ask for one to be generated$/, '; or use --generate-secret'),
  last_active_secret: (error) => error.message.replace(/, or repeat with force$/, ', or repeat with --force'),
};

/** The sentence the CLI prints for a refused change. */
export function cliWording(error: AdminError): string {
  return WORDING[error.reason]?.(error) ?? error.message;
}
