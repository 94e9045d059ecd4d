import { html } from './html.js';
import { layout } from './layout.js';

export interface ErrorPageOptions {
  instanceName: string;
  stylesheet: string;
  code: string;
  description: string;
  requestId?: string;
}

/** The page shown when an error must not (or cannot) go back to an app. */
export function errorPage(options: ErrorPageOptions): string {
  return layout({
    title: 'Sign-in error',
    instanceName: options.instanceName,
    stylesheet: options.stylesheet,
    body: html`<h1>This sign-in request cannot be completed</h1>
<p class="error-code">Error: <code>${options.code}</code></p>
<p class="error-description">${options.description}</p>
<p>If you opened this page from an app, tell the app's developer; the request was not sent back to the app.</p>
${options.requestId ? html`<p class="request-id">Request id: <code>${options.requestId}</code></p>` : ''}`,
  });
}
