import { html } from './html.js';
import { layout } from './layout.js';

export interface ConfirmSignOutPageOptions {
  instanceName: string;
  stylesheet: string;
  userName: string;
  action: string;
  csrf: string;
  /** the logout request's own parameters, posted back with the answer */
  fields: Record<string, string>;
}

/** RP-Initiated Logout 1.0 section 2: asks before signing out when the request does not prove it comes from the user's app. */
export function confirmSignOutPage(o: ConfirmSignOutPageOptions): string {
  return layout({
    title: `Sign out of ${o.instanceName}?`,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>Sign out of ${o.instanceName}?</h1>
<p class="lead">You are signed in as <strong>${o.userName}</strong>.</p>
<form method="post" action="${o.action}" class="actions">
<input type="hidden" name="csrf" value="${o.csrf}">
${Object.entries(o.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<button type="submit" name="decision" value="logout" autofocus>Sign out</button>
<button type="submit" name="decision" value="stay" class="secondary">Stay signed in</button>
</form>`,
  });
}

export interface StillSignedInPageOptions {
  instanceName: string;
  stylesheet: string;
}

/** The user chose to stay signed in and there is no registered place to send the browser back to. */
export function stillSignedInPage(o: StillSignedInPageOptions): string {
  return layout({
    title: 'You are still signed in',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>You are still signed in</h1>
<p>You stayed signed in to ${o.instanceName}. You can close this window.</p>`,
  });
}
