import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface RecoveryCodesPageOptions {
  instanceName: string;
  stylesheet: string;
  codes: readonly string[];
  /** where "Continue" goes (a form POST with the CSRF token) */
  action: string;
  csrf: string;
  continueLabel: string;
  /** false for a user without an authenticator app (passkeys only): the lead speaks of the passkey */
  authenticatorApp?: boolean;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The recovery codes, shown exactly once, after a second factor is set up. */
export function recoveryCodesPage(o: RecoveryCodesPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.recoveryCodes.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.recoveryCodes.heading}</h1>
<p class="lead">${o.authenticatorApp === false ? m.recoveryCodes.leadNoApp : m.recoveryCodes.lead}</p>
<ul class="codes" aria-label="${m.recoveryCodes.listLabel}">
${o.codes.map((code) => html`<li><code>${code}</code></li>\n`)}
</ul>
<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<button type="submit">${o.continueLabel}</button>
</form>`,
  });
}
