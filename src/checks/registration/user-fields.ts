import { invalid } from '../../errors/admin-error.js';
import type { UserKind } from '../../domain/trusted-application.js';

export const MAX_LOGIN_LENGTH = 128;
export const MAX_EMAIL_LENGTH = 254;

/** A login: 1–128 printable characters without spaces (e.g. `jane`, `jane.doe@example.com`). */
export function checkLogin(login: string): string {
  if (typeof login !== 'string' || login.length === 0) throw invalid('login_invalid', 'the login must not be empty', ['login']);
  if (login.length > MAX_LOGIN_LENGTH) {
    throw invalid('login_invalid', `the login is too long: at most ${MAX_LOGIN_LENGTH} characters`, ['login']);
  }
  if (/[\s\x00-\x1f\x7f]/u.test(login) || /[<>"'`]/.test(login)) {
    throw invalid(
      'login_invalid',
      `the login ${JSON.stringify(login)} is refused: no spaces, control characters, quotes or angle brackets`,
      ['login'],
    );
  }
  return login.normalize('NFC');
}

/** An email address (a pragmatic check: one @, a dotted domain, no spaces). */
export function checkEmail(email: string): string {
  const value = email.trim();
  if (value.length > MAX_EMAIL_LENGTH || !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/.test(value)) {
    throw invalid('email_invalid', `the email address ${JSON.stringify(email)} is not valid`, ['email']);
  }
  return value;
}

/** A BCP 47 language tag such as `en`, `nl-NL` or `zh-Hant-TW`. */
export function checkLocale(locale: string): string {
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(locale) || locale.length > 35) {
    throw invalid('locale_invalid', `the locale ${JSON.stringify(locale)} is not a language tag such as en or nl-NL`, ['locale']);
  }
  return locale;
}

export function checkUserKind(kind: string): UserKind {
  if (kind !== 'internal' && kind !== 'community') {
    throw invalid('user_kind_invalid', `the user kind must be internal or community, got ${JSON.stringify(kind)}`, ['kind']);
  }
  return kind;
}
