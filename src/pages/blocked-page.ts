import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface BlockedPageOptions {
  instanceName: string;
  stylesheet: string;
  appName: string;
  message: string;
  action: string;
  csrf: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The user cannot sign in to this app; the only way on is back to the app (which receives access_denied). */
export function blockedPage(o: BlockedPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.blocked.title(o.appName),
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.blocked.title(o.appName)}</h1>
<p class="error" role="alert">${o.message}</p>
<form method="post" action="${o.action}">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="reason" value="not_allowed">
<button type="submit">${m.common.returnTo(o.appName)}</button>
</form>`,
  });
}
