import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';
import { describeScopeIn } from './messages/index.js';

export interface ConsentPageOptions {
  instanceName: string;
  stylesheet: string;
  appName: string;
  clientId: string;
  userName: string;
  action: string;
  csrf: string;
  scopes: string[];
  /** the page's language (default English) */
  messages?: Messages;
}

/** Asks the user to allow the app the requested scopes, in plain words. */
export function consentPage(o: ConsentPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.consent.title(o.appName),
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.consent.heading(o.appName)}</h1>
<p class="lead">${m.consent.signedInAs(o.userName)} <span class="client-id">(${o.clientId})</span></p>
<h2>${m.consent.wants(o.appName)}</h2>
<ul class="scopes">
${o.scopes.map((scope) => html`<li data-scope="${scope}">${describeScopeIn(m, scope)}</li>\n`)}</ul>
<form method="post" action="${o.action}" class="actions">
<input type="hidden" name="csrf" value="${o.csrf}">
<button type="submit" name="decision" value="allow" autofocus>${m.consent.allow}</button>
<button type="submit" name="decision" value="deny" class="secondary">${m.consent.deny}</button>
</form>`,
  });
}
