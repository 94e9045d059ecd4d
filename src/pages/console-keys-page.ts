import { html, type SafeHtml } from './html.js';
import { postButton, time } from './console-page.js';
import type { KeyInfo } from '../keys/key-ring.js';
import type { Messages } from './messages/en.js';

export function keysBody(o: { base: string; csrf: string; keys: KeyInfo[]; m: Messages }): SafeHtml {
  const c = o.m.console.keys;
  return html`<p class="lead">${c.lead}</p>
<table>
<caption>${c.caption(o.keys.length)}</caption>
<thead><tr><th scope="col">${c.kid}</th><th scope="col">${c.algorithm}</th><th scope="col">${c.stage}</th><th scope="col">${c.created}</th><th scope="col">${c.signsFrom}</th><th scope="col">${c.publishedUntil}</th></tr></thead>
<tbody>${o.keys.map(
    (key) => html`<tr><td><code>${key.kid}</code></td><td>${key.alg}</td><td>${key.state}${key.current ? c.signingSuffix : ''}</td><td>${time(key.createdAt)}</td><td>${time(key.signFrom)}</td><td>${time(key.publishUntil)}</td></tr>`,
  )}</tbody>
</table>
<div class="actions">${postButton(`${o.base}/keys/rotate`, o.csrf, c.rotate)}</div>`;
}
