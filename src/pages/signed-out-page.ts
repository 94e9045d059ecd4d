import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface SignedOutPageOptions {
  instanceName: string;
  stylesheet: string;
  note?: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/** Shown after logout when there is no registered place to send the browser back to. */
export function signedOutPage(o: SignedOutPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.signOut.doneTitle,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.signOut.doneTitle}</h1>
<p>${m.signOut.done(o.instanceName)}</p>
${o.note ? html`<p class="notice">${o.note}</p>` : ''}`,
  });
}
