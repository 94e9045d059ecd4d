import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';
import { newPasswordFields } from './password-section.js';

export interface PasswordResetPageOptions {
  instanceName: string;
  stylesheet: string;
  login: string;
  action: string;
  error?: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/**
 * Sets a new password through a one-time reset link. The form carries no CSRF token: the secret token
 * in its own URL is what a forged request would have to know.
 */
export function passwordResetPage(o: PasswordResetPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.account.resetTitle,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.account.resetTitle}</h1>
<p class="lead">${m.account.resetLead(o.instanceName, o.login)}</p>
${o.error ? html`<p class="error" role="alert" id="reset-error">${o.error}</p>` : ''}
<form method="post" action="${o.action}" class="stack">
<input type="text" autocomplete="username" value="${o.login}" hidden>
${newPasswordFields({ error: o.error, errorId: 'reset-error', messages: m })}
<button type="submit">${m.account.resetSubmit}</button>
</form>`,
  });
}
