import { html } from './html.js';
import { layout } from './layout.js';

export interface IssuerLinks {
  issuer: string;
  discovery: string;
  jwks: string;
  console: string;
  account: string;
}

/** The issuer's front door for a person with a browser: what this is and where to go next. */
export function issuerPage(o: { instanceName: string; stylesheet: string; links: IssuerLinks; lang?: string }): string {
  const l = o.links;
  return layout({
    title: 'Identity server',
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    lang: o.lang,
    body: html`<h1>${o.instanceName} identity server</h1>
<p class="lead">This is an OpenID Connect provider (Trustgate). Apps send you here to sign in; there is nothing to do on this page.</p>
<ul class="links">
<li><a href="${l.account}">Your account</a>: your profile, password and second factors</li>
<li><a href="${l.console}">Administration console</a> (administrators)</li>
<li><a href="${l.discovery}">OpenID Provider metadata</a> (discovery, for app developers)</li>
<li><a href="${l.jwks}">Public signing keys</a> (JWKS)</li>
</ul>
<p class="hint">Issuer: <code>${l.issuer}</code>. Documentation: <code>docs/</code> in the Trustgate distribution (start with <code>docs/README.md</code>; operators: <code>docs/operations.md</code>).</p>`,
  });
}
