import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface ErrorPageOptions {
  instanceName: string;
  stylesheet: string;
  code: string;
  description: string;
  requestId?: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The page shown when an error must not (or cannot) go back to an app. */
export function errorPage(options: ErrorPageOptions): string {
  const m = options.messages ?? en;
  return layout({
    lang: m.lang,
    title: m.error.title,
    instanceName: options.instanceName,
    stylesheet: options.stylesheet,
    body: html`<h1>${m.error.heading}</h1>
<p class="error-code">${m.error.code} <code>${options.code}</code></p>
<p class="error-description">${options.description}</p>
<p>${m.error.explanation}</p>
${options.requestId ? html`<p class="request-id">${m.error.requestId} <code>${options.requestId}</code></p>` : ''}`,
  });
}
