import type { AppContext } from '../context.js';
import type { SafeHtml } from '../pages/html.js';
import { html } from '../pages/html.js';
import { passkeyForm, passkeyScriptPaths } from '../pages/passkey-script.js';
import { interactionPath } from '../authorization/sign-in.js';
import type { BoundInteraction } from './load.js';

export { passkeysAvailable } from '../second-factors/passkeys.js';

function form(ctx: AppContext, bound: BoundInteraction, purpose: string, action: 'passkey' | 'enrol-passkey', label: string, fields?: SafeHtml): SafeHtml {
  const id = bound.interaction.id;
  return passkeyForm({
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
export function passkeySignInForm(ctx: AppContext, bound: BoundInteraction): SafeHtml {
  return html`<div class="alternative"><p class="hint">Or, without a password:</p>
${form(ctx, bound, 'sign-in', 'passkey', 'Sign in with a passkey')}</div>`;
}

/** "Use a passkey" as the second factor (or the only way, for a phishing-resistant sign-in). */
export function passkeySecondFactorForm(ctx: AppContext, bound: BoundInteraction): SafeHtml {
  return form(ctx, bound, 'second-factor', 'passkey', 'Use a passkey');
}

/** Setting up a passkey instead of an authenticator app, during sign-in. */
export function passkeyEnrolmentForm(ctx: AppContext, bound: BoundInteraction): SafeHtml {
  return html`<h2>Or use a passkey</h2>
<p class="hint">A passkey on this device (fingerprint, face or screen lock) or a security key.</p>
${form(
  ctx,
  bound,
  'register',
  'enrol-passkey',
  'Create a passkey',
  html`<input type="hidden" name="name" value="Passkey">`,
)}`;
}

