/**
 * Whether a string from a request can be stored and looked up as text on every database: no NUL
 * character (PostgreSQL refuses it in text, SQLite would store it) and no lone UTF-16 surrogate (it has
 * no UTF-8 form, so it would be stored as something else than was sent).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/** `value` made storable as text on every database: NUL and lone surrogates become U+FFFD. */
export function toStorableText(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD').toWellFormed();
}
