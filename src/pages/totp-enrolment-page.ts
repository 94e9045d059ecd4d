import { html, raw } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

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
  /** the page's language (default English) */
  messages?: Messages;
}

function groups(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** Enrolment of an authenticator app (TOTP): scan the QR code or type the key, then prove it with a code. */
export function totpEnrolmentPage(o: TotpEnrolmentPageOptions): string {
  const qr = `data:image/svg+xml;base64,${Buffer.from(o.qrSvg, 'utf8').toString('base64')}`;
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.totp.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.totp.title}</h1>
<p class="lead">${o.lead}</p>
<ol class="steps">
<li>${m.totp.step1}</li>
<li>${m.totp.step2}<br><img class="qr" src="${qr}" width="200" height="200" alt="${m.totp.qrAlt}"></li>
<li>${m.totp.step3} <code class="secret" aria-label="${m.totp.keyLabel}">${groups(o.secret)}</code></li>
<li>${m.totp.step4}</li>
</ol>
${o.error ? html`<p class="error" role="alert" id="code-error">${o.error}</p>` : ''}
<form method="post" action="${o.action}" class="stack">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="credential" value="${o.credentialId}">
<label for="code">${m.totp.codeLabel}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="20" autofocus${o.error ? raw(' aria-describedby="code-error" aria-invalid="true"') : ''}>
<button type="submit">${m.totp.submit}</button>
</form>
${o.leave ?? ''}`,
  });
}
