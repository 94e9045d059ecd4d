import { html, type SafeHtml } from './html.js';
import { checkField, postButton, textField, time } from './console-page.js';
import type { User } from '../domain/user.js';
import type { SessionInfo } from '../admin/access-service.js';

const enc = encodeURIComponent;

export function usersBody(o: { base: string; csrf: string; users: User[] }): SafeHtml {
  return html`<table>
<caption>Users (${o.users.length})</caption>
<thead><tr><th scope="col">Login</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Administrator</th><th scope="col">Status</th></tr></thead>
<tbody>${o.users.map(
    (user) => html`<tr><td><a href="${o.base}/users/${enc(user.id)}">${user.login}</a></td><td>${user.displayName}</td><td>${user.kind}</td><td>${user.isAdmin ? 'yes' : 'no'}</td><td>${status(user.enabled)}</td></tr>`,
  )}</tbody>
</table>
<section aria-labelledby="create-title">
<h2 id="create-title">Create a user</h2>
<form class="stack" method="post" action="${o.base}/users">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('login', 'Login', '', { required: true })}
${textField('displayName', 'Name', '', { required: true })}
${textField('email', 'Email (optional)', '', { type: 'email' })}
<label for="kind">Kind</label>
<select id="kind" name="kind"><option value="internal">internal (employee)</option><option value="community">community (customer, partner)</option></select>
${textField('password', 'Initial password', '', { type: 'password', required: true, hint: 'at least 10 characters; or create the user and send a password-reset link' })}
${checkField('isAdmin', 'Administrator (may use this console and the admin API)', false)}
<button type="submit">Create user</button>
</form>
</section>`;
}

export function userBody(o: {
  base: string;
  csrf: string;
  user: User;
  sessions: SessionInfo[];
  secondFactors: { totp: boolean; recoveryCodesLeft: number };
  /** the administrator looking at the page */
  self: boolean;
}): SafeHtml {
  const { user } = o;
  const path = `${o.base}/users/${enc(user.id)}`;
  return html`<dl class="profile">
<dt>Login</dt><dd>${user.login}</dd>
<dt>Id (sub)</dt><dd><code>${user.id}</code></dd>
<dt>Email</dt><dd>${user.email ?? '(none)'}</dd>
<dt>Kind</dt><dd>${user.kind}</dd>
<dt>Administrator</dt><dd>${user.isAdmin ? 'yes' : 'no'}</dd>
<dt>Status</dt><dd>${status(user.enabled)}</dd>
<dt>Second factor</dt><dd>${user.requireMfa ? 'required' : 'when enrolled'}; ${o.secondFactors.totp ? 'authenticator app enrolled' : 'no authenticator app'}, ${o.secondFactors.recoveryCodesLeft} recovery codes left</dd>
<dt>Created</dt><dd>${time(user.createdAt)}</dd>
</dl>
<div class="actions">
${user.enabled ? postButton(`${path}/disable`, o.csrf, 'Disable user', {}, 'secondary') : postButton(`${path}/enable`, o.csrf, 'Enable user')}
${postButton(`${path}/unlock`, o.csrf, 'Unlock (clear sign-in throttling)', {}, 'secondary')}
${postButton(`${path}/mfa-reset`, o.csrf, 'Reset second factors', {}, 'secondary')}
${postButton(`${path}/end-sessions`, o.csrf, 'End all sessions', {}, 'secondary')}
${o.self ? '' : user.isAdmin ? postButton(`${path}/admin`, o.csrf, 'Remove administrator flag', { admin: 'no' }, 'secondary') : postButton(`${path}/admin`, o.csrf, 'Make administrator', { admin: 'yes' }, 'secondary')}
</div>
<section aria-labelledby="sessions-title">
<h2 id="sessions-title">Sign-in sessions</h2>
${o.sessions.length === 0
    ? html`<p>No live sessions.</p>`
    : html`<table><thead><tr><th scope="col">Session (sid)</th><th scope="col">Signed in</th><th scope="col">Methods</th><th scope="col">Last seen</th><th scope="col">Expires</th></tr></thead>
<tbody>${o.sessions.map((s) => html`<tr><td><code>${s.sid}</code></td><td>${time(s.authTime * 1000)}</td><td>${s.amr.join(', ')}</td><td>${time(s.lastSeenAt)}</td><td>${time(s.expiresAt)}</td></tr>`)}</tbody></table>`}
</section>`;
}

function status(enabled: boolean): SafeHtml {
  return enabled ? html`<span class="status-on">enabled</span>` : html`<span class="status-off">disabled</span>`;
}
