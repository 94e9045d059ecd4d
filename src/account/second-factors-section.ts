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
function reauthenticate(view: AccountView, what: (minutes: number) => string): SafeHtml {
  const minutes = Math.max(1, Math.round(view.ctx.config.accountReauthSeconds / 60));
  return html`<p class="hint">${what(minutes)}</p>
<p><a class="button" href="${accountPath(view.ctx, '/reauthenticate')}">${view.messages.account.signInAgain}</a></p>`;
}

function errorOf(view: AccountView, section: string): SafeHtml | '' {
  return view.feedback?.section === section ? html`<p class="error" role="alert">${view.feedback.error}</p>` : '';
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** "Passkeys": the user's passkeys (rename, remove) and a way to add one. */
export function passkeysSectionOf(view: AccountView): AccountSection {
  const { ctx, account, factors } = view;
  const t = view.messages.accountFactors;
  const list = factors.passkeys.length === 0
    ? html`<p>${t.noPasskeys}</p>`
    : html`<ul class="passkeys">${factors.passkeys.map(
        (p) => html`<li data-passkey-name="${p.name}"><strong>${p.name}</strong> <span class="hint">${t.passkeyDetails(passkeyMethod(p.backedUp) === 'swk', day(p.createdAt), p.lastUsedAt === null ? null : day(p.lastUsedAt))}</span>
${account.fresh ? html`<form method="post" action="${accountPath(ctx, '/passkeys/rename')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}"><input type="hidden" name="credential" value="${p.id}">
<label>${t.newName} <input name="name" required maxlength="${MAX_PASSKEY_NAME}" value="${p.name}"></label> <button type="submit" class="secondary">${t.rename}</button>
</form>
<form method="post" action="${accountPath(ctx, '/passkeys/remove')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}"><input type="hidden" name="credential" value="${p.id}">
<button type="submit" class="secondary">${t.remove(p.name)}</button>
</form>` : ''}</li>\n`,
      )}</ul>`;
  const add = !passkeysAvailable(ctx)
    ? html`<p class="hint">${t.needsDomain}</p>`
    : account.fresh
      ? passkeyForm({
          action: accountPath(ctx, '/passkeys'),
          optionsUrl: accountPath(ctx, '/passkeys/options'),
          csrf: account.csrf,
          purpose: 'register',
          label: t.addPasskey,
          failed: view.messages.passkey.notUsed,
          fields: html`<label for="passkey-name">${t.newPasskeyName}</label>
<input id="passkey-name" name="name" required maxlength="${MAX_PASSKEY_NAME}" value="Passkey">`,
          scripts: passkeyScriptPaths(ctx.config),
        })
      : reauthenticate(view, t.reauthPasskeys);
  return {
    id: PASSKEYS_SECTION_ID,
    title: t.passkeysTitle,
    body: html`${errorOf(view, PASSKEYS_SECTION_ID)}<p>${t.passkeysLead}</p>
${list}
${add}`,
  };
}

/** "Authenticator app": set up (or replace) a TOTP app, or remove it. */
export function totpSectionOf(view: AccountView): AccountSection {
  const { ctx, account, factors } = view;
  const t = view.messages.accountFactors;
  const status = html`<p>${factors.totp ? t.totpOn : t.totpOff}</p>`;
  const actions = !account.fresh
    ? reauthenticate(view, t.reauthTotp)
    : html`<form method="post" action="${accountPath(ctx, '/totp')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}">
<button type="submit">${factors.totp ? t.replaceTotp : t.setUpTotp}</button>
</form>
${factors.totp ? html`<form method="post" action="${accountPath(ctx, '/totp/remove')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}">
<button type="submit" class="secondary">${t.removeTotp}</button>
</form>` : ''}`;
  return { id: TOTP_SECTION_ID, title: t.totpTitle, body: html`${errorOf(view, TOTP_SECTION_ID)}${status}${actions}` };
}

/** "Recovery codes": how many are left, and a new set (shown once). */
export function recoveryCodesSectionOf(view: AccountView): AccountSection {
  const { ctx, account, factors } = view;
  const t = view.messages.accountFactors;
  const left = html`<p>${t.recoveryLeft(factors.recoveryCodesLeft)}</p>`;
  const actions = !account.fresh
    ? reauthenticate(view, t.reauthRecovery)
    : html`<form method="post" action="${accountPath(ctx, '/recovery-codes')}" class="inline">
<input type="hidden" name="csrf" value="${account.csrf}">
<button type="submit" class="secondary">${t.newRecoveryCodes}</button>
</form><p class="hint">${t.newRecoveryHint}</p>`;
  return { id: RECOVERY_SECTION_ID, title: t.recoveryTitle, body: html`${errorOf(view, RECOVERY_SECTION_ID)}${left}${actions}` };
}
