import { html, raw } from './html.js';
import { layout } from './layout.js';

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
  lead?: string;
}

/** The second step of a sign-in: a code from the user's authenticator app, or a recovery code. */
export function secondFactorPage(o: SecondFactorPageOptions): string {
  return layout({
    title: 'Confirm it is you',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>Confirm it is you</h1>
<p class="lead">Signing in to ${o.appName} as <strong>${o.login}</strong>.${o.lead ? html` ${o.lead}` : ''}</p>
${o.error ? html`<p class="error" role="alert" id="code-error">${o.error}</p>` : ''}
${o.codes === false ? '' : html`<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<label for="code">Code from your authenticator app</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="20" autofocus aria-describedby="code-help${o.error ? ' code-error' : ''}"${o.error ? raw(' aria-invalid="true"') : ''}>
<p class="hint" id="code-help">Enter the 6-digit code, or one of your recovery codes if you do not have your phone.</p>
<button type="submit">Continue</button>
</form>`}
${o.alternatives ?? ''}
<form method="post" action="${o.cancelAction}" class="secondary">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="reason" value="cancel">
<button type="submit" class="link">Cancel and return to ${o.appName}</button>
</form>`,
  });
}
