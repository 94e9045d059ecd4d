import { html } from './html.js';
import { layout } from './layout.js';
import { describeScope } from '../domain/consent.js';

export interface ConsentPageOptions {
  instanceName: string;
  stylesheet: string;
  appName: string;
  clientId: string;
  userName: string;
  action: string;
  csrf: string;
  scopes: string[];
}

/** Asks the user to allow the app the requested scopes, in plain words. */
export function consentPage(o: ConsentPageOptions): string {
  return layout({
    title: `Allow ${o.appName}?`,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>Allow ${o.appName} to access your account?</h1>
<p class="lead">Signed in as <strong>${o.userName}</strong>. <span class="client-id">(${o.clientId})</span></p>
<h2>${o.appName} wants to:</h2>
<ul class="scopes">
${o.scopes.map((scope) => html`<li data-scope="${scope}">${describeScope(scope)}</li>\n`)}</ul>
<form method="post" action="${o.action}" class="actions">
<input type="hidden" name="csrf" value="${o.csrf}">
<button type="submit" name="decision" value="allow" autofocus>Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  });
}
