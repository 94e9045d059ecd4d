import { html, type SafeHtml } from './html.js';
import { postButton, textField, time } from './console-page.js';
import type { ReferenceTokenInfo } from '../admin/reference-token-service.js';
import type { Messages } from './messages/en.js';

/** Reference tokens of a user and/or an app (a GET filter), each revocable; values are never shown here. */
export function tokensBody(o: { base: string; csrf: string; filter: { user: string; app: string }; tokens: ReferenceTokenInfo[]; m: Messages }): SafeHtml {
  const c = o.m.console.tokens;
  const back = new URLSearchParams(Object.entries(o.filter).filter(([, v]) => v !== '')).toString();
  return html`<p class="lead">${c.lead}</p>
<form class="stack" method="get" action="${o.base}/tokens" aria-label="${c.filterLabel}">
${textField('user', c.user, o.filter.user)}
${textField('app', c.app, o.filter.app)}
<button type="submit">${c.show}</button>
</form>
${o.tokens.length === 0
    ? html`<p>${c.none}</p>`
    : html`<table>
<caption>${c.caption(o.tokens.length)}</caption>
<thead><tr><th scope="col">${c.id}</th><th scope="col">${c.userColumn}</th><th scope="col">${c.appColumn}</th><th scope="col">${c.scope}</th><th scope="col">${c.description}</th><th scope="col">${c.issuedBy}</th><th scope="col">${c.created}</th><th scope="col">${c.expires}</th><th scope="col">${c.status}</th><th scope="col">${c.action}</th></tr></thead>
<tbody>${o.tokens.map(
        (t) => html`<tr><td><code>${t.id}</code></td><td>${t.login ?? t.userId}</td><td><code>${t.clientId}</code></td><td>${t.scope.join(' ')}</td><td>${t.description ?? ''}</td><td>${t.createdBy}</td><td>${time(t.createdAt)}</td><td>${time(t.expiresAt)}</td><td>${t.status}</td><td>${
          t.status === 'revoked' ? '' : postButton(`${o.base}/tokens/${encodeURIComponent(t.id)}/revoke`, o.csrf, c.revoke(t.id.slice(0, 8)), { back }, 'secondary')
        }</td></tr>`,
      )}</tbody>
</table>`}`;
}
