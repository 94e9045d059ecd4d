import type { AppContext } from '../context.js';
import type { SafeHtml } from '../pages/html.js';
import { html } from '../pages/html.js';
import { passkeyForm, passkeyScriptPaths } from '../pages/passkey-script.js';
import { interactionPath } from '../authorization/sign-in.js';
import type { BoundInteraction } from './load.js';
import type { Messages } from '../pages/messages/index.js';

export { passkeysAvailable } from '../second-factors/passkeys.js';

function form(
  ctx: AppContext,
  bound: BoundInteraction,
  m: Messages,
  purpose: string,
  action: 'passkey' | 'enrol-passkey',
  label: string,
  fields?: SafeHtml,
): SafeHtml {
  const id = bound.interaction.id;
  return passkeyForm({
    failed: m.passkey.notUsed,
    action: interactionPath(ctx, id, action),
    optionsUrl: interactionPath(ctx, id, 'passkey-options'),
    csrf: bound.csrf,
    purpose,
    label,
    fields,
    scripts: passkeyScriptPaths(ctx.config),
  });
}

/** "Sign in with a passkey" on the login page (passwordless, discoverable credentials). */
export function passkeySignInForm(ctx: AppContext, bound: BoundInteraction, m: Messages): SafeHtml {
  return html`<div class="alternative"><p class="hint">${m.passkey.orWithoutPassword}</p>
${form(ctx, bound, m, 'sign-in', 'passkey', m.passkey.signIn)}</div>`;
}

/** "Use a passkey" as the second factor (or the only way, for a phishing-resistant sign-in). */
export function passkeySecondFactorForm(ctx: AppContext, bound: BoundInteraction, m: Messages): SafeHtml {
  return form(ctx, bound, m, 'second-factor', 'passkey', m.passkey.use);
}

/** Setting up a passkey instead of an authenticator app, during sign-in. */
export function passkeyEnrolmentForm(ctx: AppContext, bound: BoundInteraction, m: Messages): SafeHtml {
  return html`<h2>${m.passkey.enrolHeading}</h2>
<p class="hint">${m.passkey.enrolHint}</p>
${form(
  ctx,
  bound,
  m,
  'register',
  'enrol-passkey',
  m.passkey.create,
  html`<input type="hidden" name="name" value="Passkey">`,
)}`;
}

