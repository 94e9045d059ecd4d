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
  scope_admin_api: () => 'the scope "trustgate:admin" is not an API scope: give --admin-api to let the app request it',
  client_keys_choice_conflict: () => 'give either --jwks-file or --jwks-uri, not both',
  public_app_system_user: () => 'a public app cannot have a system user (--system-user): service access (client_credentials) needs an app that authenticates; use --type confidential',
  public_app_keys: () => 'a public app cannot have client keys (--jwks-file, --jwks-uri): private_key_jwt is client authentication, which public apps do not do; use --type confidential',
  last_active_secret: (error) => error.message.replace(/, or repeat with force$/, ', or repeat with --force'),
};

/** The sentence the CLI prints for a refused change. */
export function cliWording(error: AdminError): string {
  return WORDING[error.reason]?.(error) ?? error.message;
}
