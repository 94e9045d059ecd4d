import { html, type SafeHtml } from './html.js';
import { textField, time } from './console-page.js';
import type { AuditEvent } from '../domain/audit-event.js';
import type { Messages } from './messages/en.js';

export interface AuditFilterValues {
  app: string;
  user: string;
  actor: string;
  action: string;
  outcome: string;
  since: string;
}

/** The audit trail with its filters (a GET form: the filters are in the URL, nothing changes). */
export function auditBody(o: { base: string; filter: AuditFilterValues; events: AuditEvent[]; nextHref: string | null; m: Messages }): SafeHtml {
  const c = o.m.console.audit;
  return html`<form class="stack" method="get" action="${o.base}/audit" aria-label="${c.filterLabel}">
<fieldset><legend>${c.filters}</legend>
${textField('app', c.app, o.filter.app)}
${textField('user', c.user, o.filter.user)}
${textField('actor', c.actor, o.filter.actor)}
${textField('action', c.action, o.filter.action)}
<label for="outcome">${c.outcome}</label>
<select id="outcome" name="outcome">${['', 'success', 'failure', 'refused'].map(
    (value) => html`<option value="${value}"${o.filter.outcome === value ? html` selected` : ''}>${value === '' ? c.any : value}</option>`,
  )}</select>
${textField('since', c.since, o.filter.since, { hint: c.sinceHint })}
</fieldset>
<button type="submit">${c.show}</button>
</form>
${eventsTable(o.events, c.events, o.m)}
${o.nextHref ? html`<p><a href="${o.nextHref}">${c.older}</a></p>` : ''}`;
}

/** An app's failure trail: its last refused requests with the exact reason. */
export function failuresBody(o: { base: string; clientId: string; events: AuditEvent[]; m: Messages }): SafeHtml {
  const c = o.m.console.audit;
  return html`<p class="lead">${c.failuresLead(o.clientId)}</p>
${eventsTable(o.events, c.refused, o.m, true)}
<p><a href="${o.base}/apps/${encodeURIComponent(o.clientId)}">${c.backToApp}</a></p>`;
}

function eventsTable(events: AuditEvent[], caption: string, m: Messages, failures = false): SafeHtml {
  const c = m.console.audit;
  if (events.length === 0) return html`<p>${c.noEvents}</p>`;
  if (failures) {
    return html`<table>
<caption>${c.caption(caption, events.length)}</caption>
<thead><tr><th scope="col">${c.time}</th><th scope="col">${c.request}</th><th scope="col">${c.source}</th><th scope="col">${c.reason}</th><th scope="col">${c.details}</th></tr></thead>
<tbody>${events.map(
      (e) => html`<tr><td class="when">${time(e.at)}</td><td><code>${e.action}</code></td><td>${e.sourceAddress ?? ''}</td><td>${e.reason ?? ''}</td><td><code>${JSON.stringify(e.details)}</code></td></tr>`,
    )}</tbody>
</table>`;
  }
  return html`<table>
<caption>${c.caption(caption, events.length)}</caption>
<thead><tr><th scope="col">${c.time}</th><th scope="col">${c.actionColumn}</th><th scope="col">${c.outcomeColumn}</th><th scope="col">${c.actorColumn}</th><th scope="col">${c.target}</th><th scope="col">${c.appColumn}</th><th scope="col">${c.source}</th><th scope="col">${c.reasonAndDetails}</th></tr></thead>
<tbody>${events.map(
    (e) => html`<tr><td class="when">${time(e.at)}</td><td><code>${e.action}</code></td><td>${e.outcome}</td><td><code>${e.actor}</code></td><td>${e.targetType ? html`${e.targetType} <code>${e.targetId ?? ''}</code>` : ''}</td><td>${e.clientId ?? ''}</td><td>${e.sourceAddress ?? ''}</td><td>${e.reason ?? ''}${Object.keys(e.details).length > 0 ? html`<br><code>${JSON.stringify(e.details)}</code>` : ''}</td></tr>`,
  )}</tbody>
</table>`;
}
