import { pino, type Logger } from 'pino';

/**
 * JSON logs. Nothing sensitive is ever passed to the logger (no bodies, headers or query strings);
 * the redaction below is a second line of defence for fields that must never appear.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'trustgate' },
    redact: {
      paths: [
        'password', '*.password', 'secret', '*.secret', 'client_secret', '*.client_secret',
        'code', '*.code', 'code_verifier', '*.code_verifier', 'refresh_token', '*.refresh_token',
        'access_token', '*.access_token', 'id_token', '*.id_token', 'token', '*.token',
        'headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie',
      ],
      censor: '[redacted]',
    },
  });
}
