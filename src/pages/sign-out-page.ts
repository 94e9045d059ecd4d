import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface ConfirmSignOutPageOptions {
  instanceName: string;
  stylesheet: string;
  userName: string;
  action: string;
  csrf: string;
  /** the logout request's own parameters, posted back with the answer */
  fields: Record<string, string>;
  /** the page's language (default English) */
  messages?: Messages;
}

/** RP-Initiated Logout 1.0 section 2: asks before signing out when the request does not prove it comes from the user's app. */
export function confirmSignOutPage(o: ConfirmSignOutPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.signOut.confirmTitle(o.instanceName),
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.signOut.confirmTitle(o.instanceName)}</h1>
<p class="lead">${m.signOut.signedInAs(o.userName)}</p>
<form method="post" action="${o.action}" class="actions">
<input type="hidden" name="csrf" value="${o.csrf}">
${Object.entries(o.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<button type="submit" name="decision" value="logout" autofocus>${m.signOut.signOut}</button>
<button type="submit" name="decision" value="stay" class="secondary">${m.signOut.stay}</button>
</form>`,
  });
}

export interface StillSignedInPageOptions {
  instanceName: string;
  stylesheet: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The user chose to stay signed in and there is no registered place to send the browser back to. */
export function stillSignedInPage(o: StillSignedInPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.signOut.stillTitle,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.signOut.stillTitle}</h1>
<p>${m.signOut.still(o.instanceName)}</p>`,
  });
}
