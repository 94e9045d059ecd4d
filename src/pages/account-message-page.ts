import { html } from './html.js';
import { layout } from './layout.js';

export interface AccountMessagePageOptions {
  instanceName: string;
  stylesheet: string;
  title: string;
  message: string;
  /** the way on, e.g. back to the account page */
  link: { href: string; text: string };
  /** shown as a problem (error) or as a confirmation */
  kind: 'error' | 'notice';
}

/** A short page of the account area: a confirmation or a refusal, and the one way on. */
export function accountMessagePage(o: AccountMessagePageOptions): string {
  return layout({
    title: o.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${o.title}</h1>
<p class="${o.kind}" role="${o.kind === 'error' ? 'alert' : 'status'}">${o.message}</p>
<p><a class="button" href="${o.link.href}">${o.link.text}</a></p>`,
  });
}
