import { html, raw } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface SecondFactorPageOptions {
  instanceName: string;
  stylesheet: string;
  appName: string;
  action: string;
  cancelAction: string;
  csrf: string;
  /** whom the code is for (shown, so a shared computer cannot confuse) */
  login: string;
  error?: string;
  /** extra ways in, rendered by the caller (e.g. "use a passkey") */
  alternatives?: unknown;
  /** false when only a passkey will do (the app asked for a phishing-resistant sign-in) */
  codes?: boolean;
  /** false when the user has no authenticator app (passkeys only): the code field is for a recovery code */
  authenticatorApp?: boolean;
  lead?: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The second step of a sign-in: a code from the user's authenticator app, or a recovery code (the only code without an app). */
export function secondFactorPage(o: SecondFactorPageOptions): string {
  const m = o.messages ?? en;
  const app = o.authenticatorApp !== false;
  return layout({
    lang: m.lang,
    title: m.secondFactor.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.secondFactor.title}</h1>
<p class="lead">${m.secondFactor.lead(o.appName, o.login)}${o.lead ? html` ${o.lead}` : ''}</p>
${o.error ? html`<p class="error" role="alert" id="code-error">${o.error}</p>` : ''}
${o.codes === false ? '' : html`<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<label for="code">${app ? m.secondFactor.codeLabel : m.secondFactor.recoveryCodeLabel}</label>
<input id="code" name="code" type="text"${app ? raw(' inputmode="numeric"') : ''} autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="20" autofocus aria-describedby="code-help${o.error ? ' code-error' : ''}"${o.error ? raw(' aria-invalid="true"') : ''}>
<p class="hint" id="code-help">${app ? m.secondFactor.codeHelp : m.secondFactor.recoveryCodeHelp}</p>
<button type="submit">${m.secondFactor.submit}</button>
</form>`}
${o.alternatives ?? ''}
<form method="post" action="${o.cancelAction}" class="secondary">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="reason" value="cancel">
<button type="submit" class="link">${m.common.cancelAndReturn(o.appName)}</button>
</form>`,
  });
}
