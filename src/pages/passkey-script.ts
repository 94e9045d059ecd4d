import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { html, type SafeHtml } from './html.js';

/** Where the passkey scripts are served: under the issuer's path, same origin (CSP `script-src 'self'`). */
export function passkeyScriptPaths(config: Pick<Config, 'issuerPath'>): { library: string; glue: string } {
  return { library: `${config.issuerPath}/assets/webauthn-browser.js`, glue: `${config.issuerPath}/assets/passkey.js` };
}

/** @simplewebauthn/browser's UMD bundle, as installed (defines `SimpleWebAuthnBrowser`). */
export const WEBAUTHN_BROWSER_SCRIPT = readFileSync(
  // the bundle is not in the package's exports: found beside its CommonJS entry (script/index.js)
  path.join(path.dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js'),
  'utf8',
);

/**
 * The page glue: a form marked `data-passkey` gets its button shown (the pages work without JavaScript;
 * passkeys need it); pressing it fetches options from `data-options` (with the form's CSRF token and
 * purpose), runs the WebAuthn ceremony, puts the answer into the form's `response` field and submits.
 */
export const PASSKEY_SCRIPT = `'use strict';
(function () {
  function fail(form, message) {
    var box = form.querySelector('[data-passkey-error]');
    if (box) { box.textContent = message; box.hidden = false; }
  }
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var button = form.querySelector('button[data-passkey-start]');
    if (!button || !window.PublicKeyCredential || !window.SimpleWebAuthnBrowser) return;
    form.hidden = false;
    button.addEventListener('click', async function (event) {
      event.preventDefault();
      if (form.reportValidity && !form.reportValidity()) return;
      var fields = new URLSearchParams();
      fields.set('csrf', form.elements.csrf.value);
      fields.set('purpose', form.elements.purpose.value);
      button.disabled = true;
      try {
        var answer = await fetch(form.getAttribute('data-options'), { method: 'POST', body: fields, credentials: 'same-origin' });
        if (!answer.ok) throw new Error('options');
        var options = await answer.json();
        var result = form.elements.purpose.value === 'register'
          ? await SimpleWebAuthnBrowser.startRegistration({ optionsJSON: options })
          : await SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options });
        form.elements.response.value = JSON.stringify(result);
        form.submit();
      } catch (problem) {
        button.disabled = false;
        fail(form, form.getAttribute('data-failed'));
      }
    });
  });
})();
`;

/**
 * A passkey form: hidden until the script shows it (so a browser without JavaScript or WebAuthn never
 * sees a button that cannot work). `action` receives csrf, purpose and the JSON response (and `fields`).
 */
export function passkeyForm(o: {
  action: string;
  optionsUrl: string;
  csrf: string;
  purpose: string;
  label: string;
  /** shown when the browser's passkey dialog ends without an answer (in the page's language) */
  failed: string;
  fields?: SafeHtml | string;
  scripts: { library: string; glue: string };
  className?: string;
}): SafeHtml {
  return html`<form method="post" action="${o.action}" class="${o.className ?? 'stack passkey'}" data-passkey data-options="${o.optionsUrl}" data-failed="${o.failed}" hidden>
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="purpose" value="${o.purpose}">
<input type="hidden" name="response" value="">
${o.fields ?? ''}
<p class="error" role="alert" data-passkey-error hidden></p>
<button type="button" data-passkey-start>${o.label}</button>
</form>
<script src="${o.scripts.library}"></script>
<script src="${o.scripts.glue}"></script>`;
}
