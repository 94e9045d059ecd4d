import { html } from './html.js';
import { layout } from './layout.js';

export interface RecoveryCodesPageOptions {
  instanceName: string;
  stylesheet: string;
  codes: readonly string[];
  /** where "Continue" goes (a form POST with the CSRF token) */
  action: string;
  csrf: string;
  continueLabel: string;
}

/** The recovery codes, shown exactly once, after a second factor is set up. */
export function recoveryCodesPage(o: RecoveryCodesPageOptions): string {
  return layout({
    title: 'Your recovery codes',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>Save your recovery codes</h1>
<p class="lead">If you lose your phone, each of these codes signs you in once instead of a code from the app.
Store them somewhere safe now: they are shown only this once.</p>
<ul class="codes" aria-label="recovery codes">
${o.codes.map((code) => html`<li><code>${code}</code></li>\n`)}
</ul>
<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<button type="submit">${o.continueLabel}</button>
</form>`,
  });
}
