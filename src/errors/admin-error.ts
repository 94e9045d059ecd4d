/** What kind of refusal: the input is wrong, the object does not exist, or it clashes with another. */
export type AdminErrorKind = 'invalid' | 'not_found' | 'conflict';

/**
 * A refused administrative change (CLI or admin API): nothing changed. The message is one sentence in
 * the words of the objects and their fields (`secret`, `loginRedirectUris`), never of a CLI flag or an
 * HTTP parameter: `reason` (a stable code) and `fields` (the input fields involved) let each surface word
 * it for its own users — the CLI in terms of its flags (cli/admin-wording.ts), the admin API as a
 * problem document.
 */
export class AdminError extends Error {
  /** the kind of refusal (kept as `code` for callers that only tell these apart) */
  readonly code: AdminErrorKind;
  readonly fields: readonly string[];

  constructor(
    readonly reason: string,
    message: string,
    options: { kind?: AdminErrorKind; fields?: readonly string[] } = {},
  ) {
    super(message);
    this.name = 'AdminError';
    this.code = options.kind ?? 'invalid';
    this.fields = Object.freeze([...(options.fields ?? [])]);
  }
}

export const notFound = (reason: string, message: string, fields: readonly string[]) =>
  new AdminError(reason, message, { kind: 'not_found', fields });
export const conflict = (reason: string, message: string, fields: readonly string[]) =>
  new AdminError(reason, message, { kind: 'conflict', fields });
export const invalid = (reason: string, message: string, fields: readonly string[]) =>
  new AdminError(reason, message, { kind: 'invalid', fields });
