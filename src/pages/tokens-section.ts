import { html, type SafeHtml } from './html.js';

export interface TokenRow {
  id: string;
  app: string;
  scope: string;
  description: string | null;
  expires: string;
  status: string;
}

export interface TokensSectionOptions {
  createAction: string;
  revokeAction: string;
  csrf: string;
  /** apps that let users issue tokens for themselves: ApplicationUri, name and the scopes allowed */
  apps: { clientId: string; name: string; scopes: string[] }[];
  tokens: TokenRow[];
  /** a token just created: its value, shown this once */
  created?: string;
  /** signed in recently enough to issue a token now */
  fresh: boolean;
  reauthenticateHref: string;
  error?: string;
}

export const TOKEN_LIFETIMES = [
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
  ['365d', '1 year'],
] as const;

/** The "Access tokens" section of the account page: the user's reference tokens, a form to issue one, revoke buttons. */
export function tokensSection(o: TokensSectionOptions): SafeHtml {
  const created = o.created
    ? html`<div class="notice" role="status"><p>Your new token (shown only this once; copy it now, it cannot be shown again):</p>
<p><code id="created-token">${o.created}</code></p></div>`
    : '';
  const error = o.error ? html`<p class="error" role="alert" id="tokens-error">${o.error}</p>` : '';
  const list =
    o.tokens.length === 0
      ? html`<p>You have no access tokens.</p>`
      : html`<table class="tokens"><thead><tr><th>App</th><th>Scope</th><th>Description</th><th>Expires</th><th>Status</th><th></th></tr></thead><tbody>
${o.tokens.map(
  (t) => html`<tr><td>${t.app}</td><td>${t.scope}</td><td>${t.description ?? ''}</td><td>${t.expires}</td><td>${t.status}</td><td>${
    t.status === 'active'
      ? html`<form method="post" action="${o.revokeAction}"><input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="id" value="${t.id}"><button type="submit">Revoke</button></form>`
      : ''
  }</td></tr>
`,
)}</tbody></table>`;
  let form: SafeHtml | string = '';
  if (o.apps.length > 0 && !o.fresh) {
    form = html`<p>For your security, sign in again before you issue a token.</p>
<p><a class="button" href="${o.reauthenticateHref}">Sign in again</a></p>`;
  } else if (o.apps.length > 0) {
    form = html`<form method="post" action="${o.createAction}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<label for="token_app">App</label>
<select id="token_app" name="app">${o.apps.map((a) => html`<option value="${a.clientId}">${a.name} (scopes: ${a.scopes.join(' ')})</option>`)}</select>
<label for="token_scope">Scope</label>
<input id="token_scope" name="scope" type="text" required maxlength="1000" placeholder="read">
<label for="token_expires">Expires in</label>
<select id="token_expires" name="expires_in">${TOKEN_LIFETIMES.map(([value, text]) => html`<option value="${value}"${value === '90d' ? html` selected` : ''}>${text}</option>`)}</select>
<label for="token_description">Description</label>
<input id="token_description" name="description" type="text" maxlength="200">
<button type="submit">Create token</button>
</form>
<p class="hint">A token lets a script or tool call the app's APIs as you, with the scopes you give it, until it expires or you revoke it. Changing your password revokes your tokens.</p>`;
  }
  return html`${created}${error}${list}${form}`;
}
