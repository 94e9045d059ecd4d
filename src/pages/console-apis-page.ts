import { html, type SafeHtml } from './html.js';
import { postButton, textField, time } from './console-page.js';
import type { RegisteredApi } from '../domain/registered-api.js';
import type { SecretInfo } from '../admin/secret-info.js';
import type { Messages } from './messages/en.js';

const enc = encodeURIComponent;

/** The registered APIs (protected resources) and the registration form (a secret is generated, shown once). */
export function apisBody(o: { base: string; csrf: string; apis: RegisteredApi[]; m: Messages }): SafeHtml {
  const c = o.m.console.apis;
  return html`<table>
<caption>${c.caption(o.apis.length)}</caption>
<thead><tr><th scope="col">${c.name}</th><th scope="col">${c.audience}</th><th scope="col">${c.scopes}</th></tr></thead>
<tbody>${o.apis.map(
    (api) => html`<tr><td><a href="${o.base}/apis/${enc(api.audience)}">${api.displayName}</a></td><td><code>${api.audience}</code></td><td>${api.scopes.join(' ')}</td></tr>`,
  )}</tbody>
</table>
<section aria-labelledby="register-api-title">
<h2 id="register-api-title">${c.registerTitle}</h2>
<form class="stack" method="post" action="${o.base}/apis">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('audience', c.audience, '', { required: true, hint: c.audienceHint })}
${textField('displayName', c.name, '', { required: true })}
${textField('scopes', c.scopes, '', { required: true, hint: c.scopesHint })}
<button type="submit">${c.register}</button>
</form>
</section>`;
}

/** One API: what it is, and its secrets (added — shown once —, revoked). */
export function apiBody(o: { base: string; csrf: string; api: RegisteredApi; secrets: SecretInfo[]; newSecret?: string; forceRevoke?: string; m: Messages }): SafeHtml {
  const c = o.m.console.apis;
  const s = o.m.console.secrets;
  const path = `${o.base}/apis/${enc(o.api.audience)}`;
  return html`${o.newSecret ? html`<div class="warning" role="status"><p><strong>${c.newSecretTitle}</strong>${c.newSecretText}</p><p><code class="secret" id="new-secret">${o.newSecret}</code></p></div>` : ''}
<dl class="profile">
<dt>${c.audience}</dt><dd><code>${o.api.audience}</code></dd>
<dt>${c.scopes}</dt><dd>${o.api.scopes.join(' ')}</dd>
<dt>${c.created}</dt><dd>${time(o.api.createdAt)}</dd>
<dt>${c.updated}</dt><dd>${time(o.api.updatedAt)}</dd>
</dl>
<section aria-labelledby="secrets-title">
<h2 id="secrets-title">${s.title}</h2>
<p class="hint">${c.rotateHint}</p>
<table>
<thead><tr><th scope="col">${s.id}</th><th scope="col">${s.description}</th><th scope="col">${c.created}</th><th scope="col">${s.expires}</th><th scope="col">${o.m.console.apps.status}</th><th scope="col">${s.action}</th></tr></thead>
<tbody>${o.secrets.map(
    (secret) => html`<tr><td><code>${secret.id}</code></td><td>${secret.description ?? ''}</td><td>${time(secret.createdAt)}</td><td>${time(secret.expiresAt)}</td><td>${secret.status}</td><td>${
      secret.status === 'revoked'
        ? ''
        : o.forceRevoke === secret.id
          ? postButton(`${path}/secrets/${enc(secret.id)}/revoke`, o.csrf, c.revokeAnyway, { force: 'yes' }, 'secondary')
          : postButton(`${path}/secrets/${enc(secret.id)}/revoke`, o.csrf, s.revoke(secret.id.slice(0, 8)), {}, 'secondary')
    }</td></tr>`,
  )}</tbody>
</table>
<form class="stack" method="post" action="${path}/secrets">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('description', s.newDescription, '', { hint: s.newDescriptionHint })}
<button type="submit">${s.add}</button>
</form>
</section>`;
}
