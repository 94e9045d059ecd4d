import { html, raw } from './html.js';
import { layout } from './layout.js';

export interface TotpEnrolmentPageOptions {
  instanceName: string;
  stylesheet: string;
  /** what the enrolment is for ("Signing in to Web Portal requires…" or the account page) */
  lead: string;
  action: string;
  csrf: string;
  credentialId: string;
  /** the otpauth:// QR code as an SVG document */
  qrSvg: string;
  /** the secret in base32, for typing in by hand */
  secret: string;
  error?: string;
  /** a form to leave the page (cancel the sign-in, back to the account page) */
  leave?: unknown;
}

function groups(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** Enrolment of an authenticator app (TOTP): scan the QR code or type the key, then prove it with a code. */
export function totpEnrolmentPage(o: TotpEnrolmentPageOptions): string {
  const qr = `data:image/svg+xml;base64,${Buffer.from(o.qrSvg, 'utf8').toString('base64')}`;
  return layout({
    title: 'Set up an authenticator app',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>Set up an authenticator app</h1>
<p class="lead">${o.lead}</p>
<ol class="steps">
<li>Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, 1Password).</li>
<li>Scan this code with it:<br><img class="qr" src="${qr}" width="200" height="200" alt="QR code for your authenticator app; the key is written below"></li>
<li>Or enter this key by hand: <code class="secret" aria-label="setup key">${groups(o.secret)}</code></li>
<li>Type the 6-digit code the app shows.</li>
</ol>
${o.error ? html`<p class="error" role="alert" id="code-error">${o.error}</p>` : ''}
<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="credential" value="${o.credentialId}">
<label for="code">Code from the app</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="20" autofocus${o.error ? raw(' aria-describedby="code-error" aria-invalid="true"') : ''}>
<button type="submit">Turn on</button>
</form>
${o.leave ?? ''}`,
  });
}
