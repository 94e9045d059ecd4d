import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { en, type Messages } from './messages/en.js';

/** One feature of the account area (password; later second factors, tokens): a titled part of the page. */
export interface AccountSection {
  /** stable id: the element id of the section and the anchor that links to it */
  id: string;
  title: string;
  body: SafeHtml;
}

export interface AccountPageOptions {
  instanceName: string;
  stylesheet: string;
  login: string;
  name: string;
  email: string | null;
  /** the account app's name, e.g. "Acme ERP account" */
  title: string;
  /** a confirmation shown at the top (e.g. after a change) */
  notice?: string;
  sections: AccountSection[];
  /** RP-initiated logout as the account app (a link: no form without a CSRF token on this page) */
  signOutHref: string;
  /** the page's language (default English) */
  messages?: Messages;
}

/** The signed-in user's account page: who they are, then one section per feature. */
export function accountPage(o: AccountPageOptions): string {
  const m = o.messages ?? en;
  return layout({
    lang: m.lang,
    title: o.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    body: html`<h1>${m.account.heading}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<dl class="profile">
<dt>${m.account.login}</dt><dd>${o.login}</dd>
<dt>${m.account.name}</dt><dd>${o.name}</dd>
<dt>${m.account.email}</dt><dd>${o.email ?? m.common.none}</dd>
</dl>
${o.sections.map(
  (section) => html`<section id="${section.id}" aria-labelledby="${section.id}-title">
<h2 id="${section.id}-title">${section.title}</h2>
${section.body}
</section>
`,
)}<p class="sign-out"><a href="${o.signOutHref}">${m.account.signOut}</a></p>`,
  });
}
