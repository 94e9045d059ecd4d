import { html, type SafeHtml } from './html.js';
import { postButton, time } from './console-page.js';
import type { KeyInfo } from '../keys/key-ring.js';

export function keysBody(o: { base: string; csrf: string; keys: KeyInfo[] }): SafeHtml {
  return html`<p class="lead">A rotation publishes a new key at once and signs with it once every cached JWKS has expired; the keys it replaces stay published for the longest token lifetime.</p>
<table>
<caption>Signing keys (${o.keys.length})</caption>
<thead><tr><th scope="col">Key id</th><th scope="col">Algorithm</th><th scope="col">Stage</th><th scope="col">Created</th><th scope="col">Signs from</th><th scope="col">Published until</th></tr></thead>
<tbody>${o.keys.map(
    (key) => html`<tr><td><code>${key.kid}</code></td><td>${key.alg}</td><td>${key.state}${key.current ? ' (signing)' : ''}</td><td>${time(key.createdAt)}</td><td>${time(key.signFrom)}</td><td>${time(key.publishUntil)}</td></tr>`,
  )}</tbody>
</table>
<div class="actions">${postButton(`${o.base}/keys/rotate`, o.csrf, 'Rotate signing keys')}</div>`;
}
