import { html } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

export interface IssuerLinks {
  issuer: string;
  discovery: string;
  jwks: string;
  console: string;
  account: string;
}

/** The issuer's front door for a person with a browser: what this is and where to go next. */
export function issuerPage(o: { instanceName: string; stylesheet: string; links: IssuerLinks; messages?: Messages }): string {
  const l = o.links;
  const m = (o.messages ?? en).issuer;
  return layout({
    title: m.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    lang: (o.messages ?? en).lang,
    body: html`<h1>${m.heading(o.instanceName)}</h1>
<p class="lead">${m.lead}</p>
<ul class="links">
<li><a href="${l.account}">${m.account}</a>${m.accountWhat}</li>
<li><a href="${l.console}">${m.console}</a>${m.consoleWhat}</li>
<li><a href="${l.discovery}">${m.discovery}</a>${m.discoveryWhat}</li>
<li><a href="${l.jwks}">${m.jwks}</a>${m.jwksWhat}</li>
</ul>
<p class="hint">${m.issuer} <code>${l.issuer}</code>. ${m.docs}</p>`,
  });
}
