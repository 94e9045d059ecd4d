/** A refused administrative change (CLI or admin API): one clear sentence, nothing changed. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid' | 'not_found' | 'conflict' = 'invalid',
  ) {
    super(message);
    this.name = 'AdminError';
  }
}
