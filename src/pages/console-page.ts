import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

export type ConsoleSection = 'apps' | 'users' | 'keys' | 'audit';

export interface ConsolePageOptions {
  instanceName: string;
  stylesheet: string;
  /** absolute path of the console, e.g. /id/admin */
  base: string;
  section: ConsoleSection | undefined;
  title: string;
  /** who is signed in */
  login: string;
  signOutHref: string;
  notice?: string | SafeHtml;
  error?: string;
  body: SafeHtml;
}

const SECTIONS: [ConsoleSection, string][] = [
  ['apps', 'Apps'],
  ['users', 'Users'],
  ['keys', 'Signing keys'],
  ['audit', 'Audit trail'],
];

/** A page of the web console: the sections' navigation, a notice or error, then the page. No JavaScript. */
export function consolePage(o: ConsolePageOptions): string {
  const nav = html`<nav class="console" aria-label="Console">${SECTIONS.map(
    ([id, label]) => html`<a href="${o.base}/${id}"${o.section === id ? html` aria-current="page"` : ''}>${label}</a>`,
  )}<a href="${o.signOutHref}">Sign out ${o.login}</a></nav>`;
  return layout({
    title: o.title,
    instanceName: o.instanceName,
    stylesheet: o.stylesheet,
    wide: true,
    nav,
    body: html`<h1>${o.title}</h1>
${o.notice ? html`<div class="notice" role="status">${o.notice}</div>` : ''}
${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
${o.body}`,
  });
}

/** A one-button form that POSTs to `action` with the CSRF token (and optional hidden fields). */
export function postButton(action: string, csrf: string, label: string, fields: Record<string, string> = {}, className = ''): SafeHtml {
  return html`<form class="inline" method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}">${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit"${className ? html` class="${className}"` : ''}>${label}</button></form>`;
}

/** A labelled text input. */
export function textField(name: string, label: string, value = '', options: { hint?: string; required?: boolean; type?: string } = {}): SafeHtml {
  const hintId = options.hint ? `${name}-hint` : undefined;
  return html`<label for="${name}">${label}</label>
${options.hint ? html`<p class="hint" id="${hintId}">${options.hint}</p>` : ''}<input type="${options.type ?? 'text'}" id="${name}" name="${name}" value="${value}"${options.required ? html` required` : ''}${hintId ? html` aria-describedby="${hintId}"` : ''}>`;
}

/** A labelled textarea of one value per line. */
export function linesField(name: string, label: string, values: readonly string[], hint: string): SafeHtml {
  return html`<label for="${name}">${label}</label>
<p class="hint" id="${name}-hint">${hint}</p><textarea id="${name}" name="${name}" rows="3" aria-describedby="${name}-hint">${values.join('\n')}</textarea>`;
}

/** A checkbox with its label. */
export function checkField(name: string, label: string, checked: boolean): SafeHtml {
  return html`<label class="check"><input type="checkbox" name="${name}" value="yes"${checked ? html` checked` : ''}> ${label}</label>`;
}

export function time(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
