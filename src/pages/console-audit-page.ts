import { html, type SafeHtml } from './html.js';
import { textField, time } from './console-page.js';
import type { AuditEvent } from '../domain/audit-event.js';

export interface AuditFilterValues {
  app: string;
  user: string;
  actor: string;
  action: string;
  outcome: string;
  since: string;
}

/** The audit trail with its filters (a GET form: the filters are in the URL, nothing changes). */
export function auditBody(o: { base: string; filter: AuditFilterValues; events: AuditEvent[]; nextHref: string | null }): SafeHtml {
  return html`<form class="stack" method="get" action="${o.base}/audit" aria-label="Filter the audit trail">
<fieldset><legend>Filters</legend>
${textField('app', 'App (ApplicationUri)', o.filter.app)}
${textField('user', 'User (login or id)', o.filter.user)}
${textField('actor', 'Actor (e.g. user:<id>, cli:ops, system)', o.filter.actor)}
${textField('action', 'Action (e.g. app_created)', o.filter.action)}
<label for="outcome">Outcome</label>
<select id="outcome" name="outcome">${['', 'success', 'failure', 'refused'].map(
    (value) => html`<option value="${value}"${o.filter.outcome === value ? html` selected` : ''}>${value === '' ? 'any' : value}</option>`,
  )}</select>
${textField('since', 'Since', o.filter.since, { hint: 'ISO-8601 (2026-12-31T18:00:00Z) or back from now (24h, 7d)' })}
</fieldset>
<button type="submit">Show events</button>
</form>
${eventsTable(o.events, 'Audit events')}
${o.nextHref ? html`<p><a href="${o.nextHref}">Older events</a></p>` : ''}`;
}

/** An app's failure trail: its last refused requests with the exact reason. */
export function failuresBody(o: { base: string; clientId: string; events: AuditEvent[] }): SafeHtml {
  return html`<p class="lead">The last requests of <code>${o.clientId}</code> that Trustgate refused, with the exact reason the app was given (secrets, codes and tokens are never recorded).</p>
${eventsTable(o.events, 'Refused requests', true)}
<p><a href="${o.base}/apps/${encodeURIComponent(o.clientId)}">Back to the app</a></p>`;
}

function eventsTable(events: AuditEvent[], caption: string, failures = false): SafeHtml {
  if (events.length === 0) return html`<p>No events match.</p>`;
  if (failures) {
    return html`<table>
<caption>${caption} (${events.length}, newest first)</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Source</th><th scope="col">Reason</th><th scope="col">Details</th></tr></thead>
<tbody>${events.map(
      (e) => html`<tr><td class="when">${time(e.at)}</td><td><code>${e.action}</code></td><td>${e.sourceAddress ?? ''}</td><td>${e.reason ?? ''}</td><td><code>${JSON.stringify(e.details)}</code></td></tr>`,
    )}</tbody>
</table>`;
  }
  return html`<table>
<caption>${caption} (${events.length}, newest first)</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">App</th><th scope="col">Source</th><th scope="col">Reason and details</th></tr></thead>
<tbody>${events.map(
    (e) => html`<tr><td class="when">${time(e.at)}</td><td><code>${e.action}</code></td><td>${e.outcome}</td><td><code>${e.actor}</code></td><td>${e.targetType ? html`${e.targetType} <code>${e.targetId ?? ''}</code>` : ''}</td><td>${e.clientId ?? ''}</td><td>${e.sourceAddress ?? ''}</td><td>${e.reason ?? ''}${Object.keys(e.details).length > 0 ? html`<br><code>${JSON.stringify(e.details)}</code>` : ''}</td></tr>`,
  )}</tbody>
</table>`;
}
