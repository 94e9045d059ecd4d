import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, raw } from './html.js';
import { layout } from './layout.js';
import { setPageHeaders } from '../http/security-headers.js';

/** The only script on any page: submits the form_post response. Allowed by its hash in the CSP. */
const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SUBMIT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SUBMIT_SCRIPT).digest('base64')}'`;

export interface FormPostOptions {
  action: string;
  params: Record<string, string>;
  appName: string;
  instanceName: string;
  stylesheet: string;
}

/** response_mode=form_post (OAuth 2.0 Form Post Response Mode): submits itself, or with a button without JavaScript. */
export function formPostPage(options: FormPostOptions): string {
  const inputs = Object.entries(options.params).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`,
  );
  return layout({
    title: `Returning to ${options.appName}`,
    instanceName: options.instanceName,
    stylesheet: options.stylesheet,
    body: html`<h1>Returning to ${options.appName}</h1>
<form method="post" action="${options.action}">
${inputs}<p>If nothing happens, select Continue.</p>
<button type="submit">Continue</button>
</form>
<script>${raw(SUBMIT_SCRIPT)}</script>`,
  });
}

/** Page headers plus a CSP that allows exactly the submit script and posting to the app. */
export function formPostHeaders(reply: FastifyReply, action: string): void {
  setPageHeaders(reply, [action]);
  const csp = String(reply.getHeader('Content-Security-Policy'));
  reply.header('Content-Security-Policy', csp.replace("default-src 'none';", `default-src 'none'; script-src ${SUBMIT_SCRIPT_HASH};`));
}
