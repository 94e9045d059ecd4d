import { html, type SafeHtml } from './html.js';
import { checkField, linesField, postButton, textField, time } from './console-page.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import type { SecretInfo } from '../admin/secret-info.js';

const enc = encodeURIComponent;

/** The list of apps and the registration form. */
export function appsBody(o: { base: string; csrf: string; apps: TrustedApplication[]; isBuiltIn: (clientId: string) => boolean }): SafeHtml {
  return html`<table>
<caption>Registered apps (${o.apps.length})</caption>
<thead><tr><th scope="col">Name</th><th scope="col">ApplicationUri</th><th scope="col">Type</th><th scope="col">Status</th></tr></thead>
<tbody>${o.apps.map(
    (app) => html`<tr><td><a href="${o.base}/apps/${enc(app.clientId)}">${app.displayName}</a>${o.isBuiltIn(app.clientId) ? ' (built-in)' : ''}</td><td><code>${app.clientId}</code></td><td>${app.clientType}</td><td>${enabledText(app.enabled)}</td></tr>`,
  )}</tbody>
</table>
<section aria-labelledby="register-title">
<h2 id="register-title">Register an app</h2>
<form class="stack" method="post" action="${o.base}/apps">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('clientId', 'ApplicationUri', '', { required: true, hint: 'the client_id the app sends, e.g. https://crm.example.com' })}
${textField('displayName', 'Name', '', { required: true, hint: 'shown to users on the consent page' })}
<label for="clientType">Type</label>
<select id="clientType" name="clientType"><option value="confidential">confidential (a server; gets a secret, shown once)</option><option value="public">public (SPA or native; PKCE)</option></select>
${linesField('loginRedirectUris', 'Login redirect URIs', [], 'one per line; they must match exactly')}
${linesField('logoutRedirectUris', 'Logout redirect URIs', [], 'one per line (optional)')}
${textField('scopes', 'API scopes', '', { hint: 'space-separated, e.g. read update' })}
<fieldset><legend>Options</legend>
${checkField('allowInternalUsers', 'Internal users may sign in', true)}
${checkField('allowCommunityUsers', 'Community users may sign in', false)}
${checkField('allowRefreshTokens', 'Refresh tokens', true)}
${checkField('requireConsent', 'Ask users for consent', true)}
${checkField('requireMfa', 'Require a second factor', false)}
</fieldset>
<button type="submit">Register app</button>
</form>
</section>`;
}

/** One app: its settings (editable unless built in), the kill switch, and its secrets. */
export function appBody(o: {
  base: string;
  csrf: string;
  app: TrustedApplication;
  secrets: SecretInfo[];
  builtIn: boolean;
  /** a secret generated just now: shown this once */
  newSecret?: string;
  /** a refused revocation of the app's last active secret: offer to force it */
  forceRevoke?: string;
  /** the linter's warnings for this registration */
  warnings?: { rule: string; message: string }[];
}): SafeHtml {
  const { app } = o;
  const path = `${o.base}/apps/${enc(app.clientId)}`;
  return html`${o.newSecret ? html`<div class="warning" role="status"><p><strong>New client secret — shown only this once.</strong> Store it in the app's configuration now; it cannot be shown again.</p><p><code class="secret" id="new-secret">${o.newSecret}</code></p></div>` : ''}
<dl class="profile">
<dt>ApplicationUri</dt><dd><code>${app.clientId}</code></dd>
<dt>Type</dt><dd>${app.clientType}</dd>
<dt>Status</dt><dd>${enabledText(app.enabled)}</dd>
<dt>Created</dt><dd>${time(app.createdAt)}</dd>
<dt>Updated</dt><dd>${time(app.updatedAt)}</dd>
</dl>
${o.warnings && o.warnings.length > 0
    ? html`<div class="warning" role="note" aria-labelledby="lint-title"><h2 id="lint-title">Warnings (${o.warnings.length})</h2><ul>${o.warnings.map((w) => html`<li><code>${w.rule}</code>: ${w.message}</li>`)}</ul></div>`
    : ''}
<p><a href="${path}/failures">Failure trail: why this app's sign-ins fail</a> · <a href="${o.base}/audit?${new URLSearchParams({ app: app.clientId })}">Audit trail of this app</a></p>
${o.builtIn
    ? html`<p class="notice">This app is built into Trustgate: every server registers it at start-up, and it cannot be changed here.</p>`
    : html`<div class="actions">${app.enabled ? postButton(`${path}/disable`, o.csrf, 'Disable app', {}, 'secondary') : postButton(`${path}/enable`, o.csrf, 'Enable app')}</div>
<section aria-labelledby="settings-title">
<h2 id="settings-title">Settings</h2>
<form class="stack" method="post" action="${path}">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('displayName', 'Name', app.displayName, { required: true })}
${linesField('loginRedirectUris', 'Login redirect URIs', app.loginRedirectUris, 'one per line; they must match exactly')}
${linesField('logoutRedirectUris', 'Logout redirect URIs', app.logoutRedirectUris, 'one per line (optional)')}
${textField('scopes', 'API scopes', app.scopes.join(' '), { hint: 'space-separated' })}
${textField('accessTokenLifetime', 'Access-token lifetime (seconds)', String(app.accessTokenLifetime), { type: 'number' })}
${textField('refreshTokenLifetime', 'Refresh-token lifetime (seconds)', String(app.refreshTokenLifetime), { type: 'number' })}
<fieldset><legend>Options</legend>
${checkField('allowInternalUsers', 'Internal users may sign in', app.allowInternalUsers)}
${checkField('allowCommunityUsers', 'Community users may sign in', app.allowCommunityUsers)}
${checkField('allowRefreshTokens', 'Refresh tokens', app.allowRefreshTokens)}
${checkField('requireConsent', 'Ask users for consent', app.requireConsent)}
${checkField('requireMfa', 'Require a second factor', app.requireMfa)}
</fieldset>
<button type="submit">Save changes</button>
</form>
</section>`}
${app.clientType === 'confidential' ? secretsSection(o, path) : ''}`;
}

function secretsSection(o: { csrf: string; secrets: SecretInfo[]; builtIn: boolean; forceRevoke?: string }, path: string): SafeHtml {
  return html`<section aria-labelledby="secrets-title">
<h2 id="secrets-title">Client secrets</h2>
<p class="hint">To rotate: add a new secret, put it into the app, then revoke the old one. Secret values are never shown again after they are created.</p>
<table>
<thead><tr><th scope="col">Id</th><th scope="col">Description</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${o.secrets.map(
    (secret) => html`<tr><td><code>${secret.id}</code></td><td>${secret.description ?? ''}</td><td>${time(secret.createdAt)}</td><td>${time(secret.expiresAt)}</td><td>${secret.status}</td><td>${
      secret.status === 'revoked' || o.builtIn
        ? ''
        : o.forceRevoke === secret.id
          ? postButton(`${path}/secrets/${enc(secret.id)}/revoke`, o.csrf, `Revoke anyway (locks the app out)`, { force: 'yes' }, 'secondary')
          : postButton(`${path}/secrets/${enc(secret.id)}/revoke`, o.csrf, `Revoke secret ${secret.id.slice(0, 8)}`, {}, 'secondary')
    }</td></tr>`,
  )}</tbody>
</table>
${o.builtIn ? '' : html`<form class="stack" method="post" action="${path}/secrets">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('description', 'Description of the new secret', '', { hint: 'optional, e.g. "rotation 2026-12"' })}
<button type="submit">Add a new secret (rotate)</button>
</form>`}
</section>`;
}

function enabledText(enabled: boolean): SafeHtml {
  return enabled ? html`<span class="status-on">enabled</span>` : html`<span class="status-off">disabled</span>`;
}
