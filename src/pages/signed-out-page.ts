import { html } from './html.js';
import { layout } from './layout.js';

export interface SignedOutPageOptions {
  instanceName: string;
  stylesheet: string;
  note?: string;
}

/** Shown after logout when there is no registered place to send the browser back to. */
export function signedOutPage(o: SignedOutPageOptions): string {
  return layout({
    title: 'You are signed out',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>You are signed out</h1>
<p>You have been signed out of ${o.instanceName}. You can close this window.</p>
${o.note ? html`<p class="notice">${o.note}</p>` : ''}`,
  });
}
