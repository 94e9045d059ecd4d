import { html } from './html.js';
import { layout } from './layout.js';
import { newPasswordFields } from './password-section.js';

export interface PasswordResetPageOptions {
  instanceName: string;
  stylesheet: string;
  login: string;
  action: string;
  error?: string;
}

/**
 * Sets a new password through a one-time reset link. The form carries no CSRF token: the secret token
 * in its own URL is what a forged request would have to know.
 */
export function passwordResetPage(o: PasswordResetPageOptions): string {
  return layout({
    title: 'Choose a new password',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>Choose a new password</h1>
<p class="lead">For the ${o.instanceName} account <strong>${o.login}</strong>.</p>
${o.error ? html`<p class="error" role="alert" id="reset-error">${o.error}</p>` : ''}
<form method="post" action="${o.action}" class="stack">
<input type="text" autocomplete="username" value="${o.login}" hidden>
${newPasswordFields({ error: o.error, errorId: 'reset-error' })}
<button type="submit">Set the new password</button>
</form>`,
  });
}
