import { html, type SafeHtml } from './html.js';
import { checkField, postButton, textField, time } from './console-page.js';
import type { User } from '../domain/user.js';
import type { SessionInfo } from '../admin/access-service.js';
import type { Messages } from './messages/en.js';

const enc = encodeURIComponent;

export function usersBody(o: { base: string; csrf: string; users: User[]; m: Messages }): SafeHtml {
  const c = o.m.console.users;
  return html`<table>
<caption>${c.caption(o.users.length)}</caption>
<thead><tr><th scope="col">${c.login}</th><th scope="col">${c.name}</th><th scope="col">${c.kind}</th><th scope="col">${c.administrator}</th><th scope="col">${c.status}</th></tr></thead>
<tbody>${o.users.map(
    (user) => html`<tr><td><a href="${o.base}/users/${enc(user.id)}">${user.login}</a></td><td>${user.displayName}</td><td>${user.kind}</td><td>${user.isAdmin ? o.m.console.yes : o.m.console.no}</td><td>${status(user.enabled, o.m)}</td></tr>`,
  )}</tbody>
</table>
<section aria-labelledby="create-title">
<h2 id="create-title">${c.createTitle}</h2>
<form class="stack" method="post" action="${o.base}/users">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField('login', c.login, '', { required: true })}
${textField('displayName', c.name, '', { required: true })}
${textField('email', c.email, '', { type: 'email' })}
<label for="kind">${c.kind}</label>
<select id="kind" name="kind"><option value="internal">${c.kindInternal}</option><option value="community">${c.kindCommunity}</option></select>
${textField('password', c.password, '', { type: 'password', required: true, hint: c.passwordHint })}
${checkField('isAdmin', c.isAdmin, false)}
<button type="submit">${c.create}</button>
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
  m: Messages;
}): SafeHtml {
  const { user } = o;
  const c = o.m.console.users;
  const path = `${o.base}/users/${enc(user.id)}`;
  return html`<dl class="profile">
<dt>${c.login}</dt><dd>${user.login}</dd>
<dt>${c.id}</dt><dd><code>${user.id}</code></dd>
<dt>${c.emailShort}</dt><dd>${user.email ?? o.m.console.none}</dd>
<dt>${c.kind}</dt><dd>${user.kind}</dd>
<dt>${c.administrator}</dt><dd>${user.isAdmin ? o.m.console.yes : o.m.console.no}</dd>
<dt>${c.status}</dt><dd>${status(user.enabled, o.m)}</dd>
<dt>${c.secondFactor}</dt><dd>${user.requireMfa ? c.mfaRequired : c.mfaWhenEnrolled}; ${o.secondFactors.totp ? c.totpEnrolled : c.noTotp}, ${c.recoveryLeft(o.secondFactors.recoveryCodesLeft)}</dd>
<dt>${c.created}</dt><dd>${time(user.createdAt)}</dd>
</dl>
<div class="actions">
${user.enabled ? postButton(`${path}/disable`, o.csrf, c.disable, {}, 'secondary') : postButton(`${path}/enable`, o.csrf, c.enable)}
${postButton(`${path}/unlock`, o.csrf, c.unlock, {}, 'secondary')}
${postButton(`${path}/mfa-reset`, o.csrf, c.mfaReset, {}, 'secondary')}
${postButton(`${path}/end-sessions`, o.csrf, c.endSessions, {}, 'secondary')}
${o.self ? '' : user.isAdmin ? postButton(`${path}/admin`, o.csrf, c.removeAdmin, { admin: 'no' }, 'secondary') : postButton(`${path}/admin`, o.csrf, c.makeAdmin, { admin: 'yes' }, 'secondary')}
</div>
<p><a href="${o.base}/tokens?${new URLSearchParams({ user: user.login })}">${o.m.console.tokens.ofUser}</a></p>
<section aria-labelledby="sessions-title">
<h2 id="sessions-title">${c.sessionsTitle}</h2>
${o.sessions.length === 0
    ? html`<p>${c.noSessions}</p>`
    : html`<table><thead><tr><th scope="col">${c.sid}</th><th scope="col">${c.signedIn}</th><th scope="col">${c.methods}</th><th scope="col">${c.lastSeen}</th><th scope="col">${c.expires}</th></tr></thead>
<tbody>${o.sessions.map((s) => html`<tr><td><code>${s.sid}</code></td><td>${time(s.authTime * 1000)}</td><td>${s.amr.join(', ')}</td><td>${time(s.lastSeenAt)}</td><td>${time(s.expiresAt)}</td></tr>`)}</tbody></table>`}
</section>`;
}

function status(enabled: boolean, m: Messages): SafeHtml {
  return enabled ? html`<span class="status-on">${m.console.enabled}</span>` : html`<span class="status-off">${m.console.disabled}</span>`;
}
