import type { AccountSection } from '../pages/account-page.js';
import { html, type SafeHtml } from '../pages/html.js';
import { passkeyForm, passkeyScriptPaths } from '../pages/passkey-script.js';
import { MAX_PASSKEY_NAME, passkeysAvailable } from '../second-factors/passkeys.js';
import { passkeyMethod } from '../domain/passkey.js';
import type { AccountView } from './sections.js';
import { accountPath } from './paths.js';

export const PASSKEYS_SECTION_ID = 'passkeys';
export const TOTP_SECTION_ID = 'authenticator-app';
export const RECOVERY_SECTION_ID = 'recovery-codes';

/** While the sign-in is not recent enough for a change: the way to sign in again. */
function reauthenticate(view: AccountView, what: string): SafeHtml {
  const minutes = Math.max(1, Math.round(view.ctx.config.accountReauthSeconds / 60));
  return html`<p class="hint">To ${what}, sign in again first (a change needs a sign-in from the last ${minutes} minutes).</p>
<p><a class="button" href="${accountPath(view.ctx, '/reauthenticate')}">Sign in again</a></p>`;
}

function errorOf(view: AccountView, section: string): SafeHtml | '' {
  return view.feedback?.section === section ? html`<p class="error" role="alert">${view.feedback.error}</p>` : '';
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** "Passkeys": the user's passkeys (rename, remove) and a way to add one. */
export function passkeysSectionOf(view: AccountView): AccountSection {
  const { ctx, account, factors } = view;
  const list = factors.passkeys.length === 0
    ? html`<p>You have no passkeys.</p>`
    : html`<ul class="passkeys">${factors.passkeys.map(
        (p) => html`<li data-passkey-name="${p.name}"><strong>${p.name}</strong> <span class="hint">(${passkeyMethod(p.backedUp) === 'swk' ? 'synced' : 'this device only'}; added ${day(p.createdAt)}; ${p.lastUsedAt === null ? 'not used yet' : `last used ${day(p.lastUsedAt)}`})</span>
${account.fresh ? html`<form method="post" action="${accountPath(ctx, '/passkeys/rename')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}"><input type="hidden" name="credential" value="${p.id}">
<label>New name <input name="name" required maxlength="${MAX_PASSKEY_NAME}" value="${p.name}"></label> <button type="submit" class="secondary">Rename</button>
</form>
<form method="post" action="${accountPath(ctx, '/passkeys/remove')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}"><input type="hidden" name="credential" value="${p.id}">
<button type="submit" class="secondary">Remove ${p.name}</button>
</form>` : ''}</li>\n`,
      )}</ul>`;
  const add = !passkeysAvailable(ctx)
    ? html`<p class="hint">Passkeys need this server to be reached by a domain name.</p>`
    : account.fresh
      ? passkeyForm({
          action: accountPath(ctx, '/passkeys'),
          optionsUrl: accountPath(ctx, '/passkeys/options'),
          csrf: account.csrf,
          purpose: 'register',
          label: 'Add a passkey',
          fields: html`<label for="passkey-name">Name of the new passkey</label>
<input id="passkey-name" name="name" required maxlength="${MAX_PASSKEY_NAME}" value="Passkey">`,
          scripts: passkeyScriptPaths(ctx.config),
        })
      : reauthenticate(view, 'add, rename or remove a passkey');
  return {
    id: PASSKEYS_SECTION_ID,
    title: 'Passkeys',
    body: html`${errorOf(view, PASSKEYS_SECTION_ID)}<p>A passkey signs you in without a password, with this device's screen lock or a security key, and cannot be phished.</p>
${list}
${add}`,
  };
}

/** "Authenticator app": set up (or replace) a TOTP app, or remove it. */
export function totpSectionOf(view: AccountView): AccountSection {
  const { ctx, account, factors } = view;
  const status = factors.totp ? html`<p>An authenticator app is set up.</p>` : html`<p>No authenticator app is set up.</p>`;
  const actions = !account.fresh
    ? reauthenticate(view, 'change your authenticator app')
    : html`<form method="post" action="${accountPath(ctx, '/totp')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}">
<button type="submit">${factors.totp ? 'Replace the authenticator app' : 'Set up an authenticator app'}</button>
</form>
${factors.totp ? html`<form method="post" action="${accountPath(ctx, '/totp/remove')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}">
<button type="submit" class="secondary">Remove the authenticator app</button>
</form>` : ''}`;
  return { id: TOTP_SECTION_ID, title: 'Authenticator app', body: html`${errorOf(view, TOTP_SECTION_ID)}${status}${actions}` };
}

/** "Recovery codes": how many are left, and a new set (shown once). */
export function recoveryCodesSectionOf(view: AccountView): AccountSection {
  const { ctx, account, factors } = view;
  const left = html`<p>You have ${factors.recoveryCodesLeft} unused recovery code${factors.recoveryCodesLeft === 1 ? '' : 's'}.</p>`;
  const actions = !account.fresh
    ? reauthenticate(view, 'get new recovery codes')
    : html`<form method="post" action="${accountPath(ctx, '/recovery-codes')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}">
<button type="submit" class="secondary">Get new recovery codes</button>
</form><p class="hint">New codes replace the old ones, which stop working.</p>`;
  return { id: RECOVERY_SECTION_ID, title: 'Recovery codes', body: html`${errorOf(view, RECOVERY_SECTION_ID)}${left}${actions}` };
}
