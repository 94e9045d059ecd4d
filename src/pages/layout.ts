import { html, type SafeHtml } from './html.js';

export interface LayoutOptions {
  title: string;
  instanceName: string;
  /** absolute path of the stylesheet (issuer path + /assets/trustgate.css) */
  stylesheet: string;
  body: SafeHtml;
  lang?: string;
  /** a wider main column (the console's tables) */
  wide?: boolean;
  /** navigation shown under the instance name (the console's sections) */
  nav?: SafeHtml;
}

/** The shell of every server-rendered page: accessible, responsive, no JavaScript. */
export function layout(options: LayoutOptions): string {
  return html`<!doctype html>
<html lang="${options.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · ${options.instanceName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${options.stylesheet}">
</head>
<body>
<header class="instance"><span class="instance-name">${options.instanceName}</span>${options.nav ?? ''}</header>
<main id="main"${options.wide ? html` class="wide"` : ''}>
${options.body}
</main>
</body>
</html>
`.value;
}
