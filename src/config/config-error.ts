/** A configuration problem: one sentence that names the variable and says what is wrong. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
