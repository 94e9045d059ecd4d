import { en, type Messages } from './messages/en.js';
import { html, type SafeHtml } from './html.js';

export interface PasswordSectionOptions {
  /** the login, for password managers (not submitted) */
  login: string;
  action: string;
  csrf: string;
  /** the session signed in recently enough to change the password now */
  fresh: boolean;
  /** where to sign in again when it did not */
  reauthenticateHref: string;
  reauthenticateMinutes: number;
  error?: string;
  /** the page's language (default English) */
  messages?: Messages;
}

export const PASSWORD_HINT =
  'At least 10 characters. Several uncommon words are easy to remember and hard to guess; do not use your login, name or email address.';

/** The fields of a new password, entered twice (the reset page uses them too). */
export function newPasswordFields(o: { error?: string; errorId: string; messages?: Messages }): SafeHtml {
  const m = o.messages ?? en;
  const invalid = o.error ? html` aria-invalid="true" aria-describedby="${o.errorId} password-hint"` : html` aria-describedby="password-hint"`;
  return html`<label for="new_password">${m.account.newPassword}</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="10" maxlength="1024"${invalid}>
<p class="hint" id="password-hint">${m.account.passwordHint}</p>
<label for="confirm_password">${m.account.newPasswordAgain}</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required minlength="10" maxlength="1024"${invalid}>`;
}

/** The "Change password" section of the account page. */
export function passwordSection(o: PasswordSectionOptions): SafeHtml {
  const m = o.messages ?? en;
  if (!o.fresh) {
    return html`<p>${m.account.reauthenticate(o.reauthenticateMinutes)}</p>
<p><a class="button" href="${o.reauthenticateHref}">${m.account.signInAgain}</a></p>`;
  }
  return html`${o.error ? html`<p class="error" role="alert" id="password-error">${o.error}</p>` : ''}
<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="text" autocomplete="username" value="${o.login}" hidden>
<label for="current_password">${m.account.currentPassword}</label>
<input id="current_password" name="current_password" type="password" autocomplete="current-password" required maxlength="1024"${o.error ? html` aria-invalid="true" aria-describedby="password-error"` : ''}>
${newPasswordFields({ error: o.error, errorId: 'password-error', messages: m })}
<button type="submit">${m.account.changePassword}</button>
</form>
<p class="hint">${m.account.changeSignsOut}</p>`;
}
