import { html, type SafeHtml } from './html.js';
import { checkField, linesField, postButton, textField, time } from './console-page.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import type { SecretInfo } from '../admin/secret-info.js';
import type { Messages } from './messages/en.js';

const enc = encodeURIComponent;

/** The list of apps and the registration form. */
export function appsBody(o: { base: string; csrf: string; apps: TrustedApplication[]; isBuiltIn: (clientId: string) => boolean; m: Messages }): SafeHtml {
  const c = o.m.console.apps;
  return html`<table>
<caption>${c.caption(o.apps.length)}</caption>
<thead><tr><th scope="col">${c.name}</th><th scope="col">${c.clientId}</th><th scope="col">${c.type}</th><th scope="col">${c.status}</th></tr></thead>
<tbody>${o.apps.map(
    (app) => html`<tr><td><a href="${o.base}/apps/${enc(app.clientId)}">${app.displayName}</a>${o.isBuiltIn(app.clientId) ? o.m.console.builtInSuffix : ''}</td><td><code>${app.clientId}</code></td><td>${app.clientType}</td><td>${enabledText(app.enabled, o.m)}</td></tr>`,
  )}</tbody>
</table>
<section aria-labelledby="register-title">
<h2 id="register-title">${c.registerTitle}</h2>
<form class="stack" method="post" action="${o.base}/apps">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('clientId', c.clientId, '', { required: true, hint: c.clientIdHint })}
${textField('displayName', c.name, '', { required: true, hint: c.nameHint })}
<label for="clientType">${c.type}</label>
<select id="clientType" name="clientType"><option value="confidential">${c.typeConfidential}</option><option value="public">${c.typePublic}</option></select>
${linesField('loginRedirectUris', c.loginRedirectUris, [], c.loginRedirectHint)}
${linesField('logoutRedirectUris', c.logoutRedirectUris, [], c.logoutRedirectHint)}
${textField('scopes', c.scopes, '', { hint: c.scopesHint })}
<fieldset><legend>${c.options}</legend>
${checkField('allowInternalUsers', c.allowInternalUsers, true)}
${checkField('allowCommunityUsers', c.allowCommunityUsers, false)}
${checkField('allowRefreshTokens', c.allowRefreshTokens, true)}
${checkField('requireConsent', c.requireConsent, true)}
${checkField('requireMfa', c.requireMfa, false)}
</fieldset>
<button type="submit">${c.register}</button>
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
  m: Messages;
}): SafeHtml {
  const { app } = o;
  const c = o.m.console.apps;
  const path = `${o.base}/apps/${enc(app.clientId)}`;
  return html`${o.newSecret ? html`<div class="warning" role="status"><p><strong>${c.newSecretTitle}</strong>${c.newSecretText}</p><p><code class="secret" id="new-secret">${o.newSecret}</code></p></div>` : ''}
<dl class="profile">
<dt>${c.clientId}</dt><dd><code>${app.clientId}</code></dd>
<dt>${c.type}</dt><dd>${app.clientType}</dd>
<dt>${c.status}</dt><dd>${enabledText(app.enabled, o.m)}</dd>
<dt>${c.created}</dt><dd>${time(app.createdAt)}</dd>
<dt>${c.updated}</dt><dd>${time(app.updatedAt)}</dd>
</dl>
${o.warnings && o.warnings.length > 0
    ? html`<div class="warning" role="note" aria-labelledby="lint-title"><h2 id="lint-title">${c.warnings(o.warnings.length)}</h2><ul>${o.warnings.map((w) => html`<li><code>${w.rule}</code>: ${w.message}</li>`)}</ul></div>`
    : ''}
<p><a href="${path}/failures">${c.failureTrailLink}</a> · <a href="${o.base}/audit?${new URLSearchParams({ app: app.clientId })}">${c.auditLink}</a> · <a href="${o.base}/tokens?${new URLSearchParams({ app: app.clientId })}">${o.m.console.tokens.ofApp}</a></p>
${o.builtIn
    ? html`<p class="notice">${c.builtIn}</p>`
    : html`<div class="actions">${app.enabled ? postButton(`${path}/disable`, o.csrf, c.disable, {}, 'secondary') : postButton(`${path}/enable`, o.csrf, c.enable)}</div>
<section aria-labelledby="settings-title">
<h2 id="settings-title">${c.settings}</h2>
<form class="stack" method="post" action="${path}">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('displayName', c.name, app.displayName, { required: true })}
${linesField('loginRedirectUris', c.loginRedirectUris, app.loginRedirectUris, c.loginRedirectHint)}
${linesField('logoutRedirectUris', c.logoutRedirectUris, app.logoutRedirectUris, c.logoutRedirectHint)}
${textField('scopes', c.scopes, app.scopes.join(' '), { hint: c.scopesHintShort })}
${textField('accessTokenLifetime', c.accessTokenLifetime, String(app.accessTokenLifetime), { type: 'number' })}
${textField('refreshTokenLifetime', c.refreshTokenLifetime, String(app.refreshTokenLifetime), { type: 'number' })}
<fieldset><legend>${c.options}</legend>
${checkField('allowInternalUsers', c.allowInternalUsers, app.allowInternalUsers)}
${checkField('allowCommunityUsers', c.allowCommunityUsers, app.allowCommunityUsers)}
${checkField('allowRefreshTokens', c.allowRefreshTokens, app.allowRefreshTokens)}
${checkField('requireConsent', c.requireConsent, app.requireConsent)}
${checkField('requireMfa', c.requireMfa, app.requireMfa)}
</fieldset>
<button type="submit">${c.save}</button>
</form>
</section>`}
${app.clientType === 'confidential' ? secretsSection(o, path) : ''}`;
}

function secretsSection(o: { csrf: string; secrets: SecretInfo[]; builtIn: boolean; forceRevoke?: string; m: Messages }, path: string): SafeHtml {
  const c = o.m.console.secrets;
  return html`<section aria-labelledby="secrets-title">
<h2 id="secrets-title">${c.title}</h2>
<p class="hint">${c.rotateHint}</p>
<table>
<thead><tr><th scope="col">${c.id}</th><th scope="col">${c.description}</th><th scope="col">${o.m.console.apps.created}</th><th scope="col">${c.expires}</th><th scope="col">${o.m.console.apps.status}</th><th scope="col">${c.action}</th></tr></thead>
<tbody>${o.secrets.map(
    (secret) => html`<tr><td><code>${secret.id}</code></td><td>${secret.description ?? ''}</td><td>${time(secret.createdAt)}</td><td>${time(secret.expiresAt)}</td><td>${secret.status}</td><td>${
      secret.status === 'revoked' || o.builtIn
        ? ''
        : o.forceRevoke === secret.id
          ? postButton(`${path}/secrets/${enc(secret.id)}/revoke`, o.csrf, c.revokeAnyway, { force: 'yes' }, 'secondary')
          : postButton(`${path}/secrets/${enc(secret.id)}/revoke`, o.csrf, c.revoke(secret.id.slice(0, 8)), {}, 'secondary')
    }</td></tr>`,
  )}</tbody>
</table>
${o.builtIn ? '' : html`<form class="stack" method="post" action="${path}/secrets">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('description', c.newDescription, '', { hint: c.newDescriptionHint })}
<button type="submit">${c.add}</button>
</form>`}
</section>`;
}

function enabledText(enabled: boolean, m: Messages): SafeHtml {
  return enabled ? html`<span class="status-on">${m.console.enabled}</span>` : html`<span class="status-off">${m.console.disabled}</span>`;
}
