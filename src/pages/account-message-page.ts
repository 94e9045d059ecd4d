import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface AccountMessagePageOptions {
  instanceName: string;
  stylesheet: string;
  title: string;
  message: string;
  /** the way on, e.g. back to the account page */
  link: { href: string; text: string };
  /** shown as a problem (error) or as a confirmation */
  kind: 'error' | 'notice';
  /** the page's language (default English) */
  messages?: Messages;
}

/** A short page of the account area: a confirmation or a refusal, and the one way on. */
export function accountMessagePage(o: AccountMessagePageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: o.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${o.title}</h1>
<p class="${o.kind}" role="${o.kind === 'error' ? 'alert' : 'status'}">${o.message}</p>
<p><a class="button" href="${o.link.href}">${o.link.text}</a></p>`,
  });
}
