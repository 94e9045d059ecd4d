import { html, raw } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface LoginPageOptions {
  instanceName: string;
  stylesheet: string;
  appName: string;
  action: string;
  cancelAction: string;
  csrf: string;
  login: string;
  /** shown above the form (e.g. "Invalid login or password.") */
  error?: string;
  notice?: string;
  /** "Sign in with a passkey" (a form the passkey script shows), when passkeys can work here */
  passkey?: unknown;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The sign-in form: works without JavaScript, labelled fields, password-manager friendly. */
export function loginPage(o: LoginPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.login.title(o.appName),
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.login.title(o.appName)}</h1>
<p class="lead">${m.login.lead(o.instanceName)}</p>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
${o.error ? html`<p class="error" role="alert" id="login-error">${o.error}</p>` : ''}
<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<label for="login">${m.login.loginLabel}</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="200" value="${o.login}"${o.login ? '' : ' autofocus'}${o.error ? raw(' aria-describedby="login-error" aria-invalid="true"') : ''}>
<label for="password">${m.login.passwordLabel}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${o.login ? ' autofocus' : ''}${o.error ? raw(' aria-describedby="login-error" aria-invalid="true"') : ''}>
<button type="submit">${m.login.submit}</button>
</form>
${o.passkey ?? ''}
<form method="post" action="${o.cancelAction}" class="secondary">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="reason" value="cancel">
<button type="submit" class="link">${m.common.cancelAndReturn(o.appName)}</button>
</form>`,
  });
}
