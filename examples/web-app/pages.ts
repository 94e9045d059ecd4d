/** HTML for the web app's few pages. Every value is escaped. */
export function escape(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Example web app</title>
<style>
body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}
.muted{color:#666}.error{color:#a00}button{font:inherit;padding:.3rem .8rem}form{display:inline}
</style></head>
<body><header><strong>Example web app</strong> <span class="muted">(confidential client, code flow + PKCE, tokens kept on the server)</span></header>
<main>${body}</main></body></html>`;
}

export interface HomeView {
  name: string;
  login: string;
  me: unknown;
  orders: Array<{ number: string; customerName: string; description: string; amountCents: number; currency: string; status: string }>;
  customers: Array<{ name: string; city: string | null }> | string;
  refreshCount: number;
  accessTokenExpiresAt: number;
  csrf: string;
}

export function homePage(view: HomeView): string {
  const orders = view.orders.length
    ? `<table id="orders"><tr><th>Number</th><th>Customer</th><th>Description</th><th>Amount</th><th>Status</th></tr>${view.orders
        .map(
          (o) =>
            `<tr><td>${escape(o.number)}</td><td>${escape(o.customerName)}</td><td>${escape(o.description)}</td><td>${escape(
              (o.amountCents / 100).toFixed(2),
            )} ${escape(o.currency)}</td><td>${escape(o.status)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p id="orders">You have no sales orders yet.</p>';
  const customers =
    typeof view.customers === 'string'
      ? `<p class="muted">${escape(view.customers)}</p>`
      : `<ul id="customers">${view.customers.map((c) => `<li>${escape(c.name)}${c.city ? ` (${escape(c.city)})` : ''}</li>`).join('')}</ul>`;
  return page(
    'Home',
    `<h1>Hello, <span id="user-name">${escape(view.name)}</span></h1>
<p class="muted">Signed in as <span id="user-login">${escape(view.login)}</span>.
Access token valid until <time id="token-expiry">${escape(new Date(view.accessTokenExpiresAt).toISOString())}</time>;
renewed with the refresh token <span id="refresh-count">${view.refreshCount}</span> time(s).</p>
<h2>Your sales orders</h2>${orders}
<form method="post" action="/orders"><input type="hidden" name="csrf" value="${escape(view.csrf)}">
<button id="create-order" type="submit">Create a sample order</button></form>
<h2>Customers</h2>${customers}
<h2>What the API knows about this token</h2><pre id="me">${escape(JSON.stringify(view.me, null, 2))}</pre>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${escape(view.csrf)}">
<button id="sign-out" type="submit">Sign out</button></form>`,
  );
}

export function signedOutPage(message: string): string {
  return page(
    'Signed out',
    `<h1 id="status">${escape(message)}</h1><p><a id="sign-in" href="/login">Sign in</a></p>`,
  );
}

export function errorPage(title: string, detail: string): string {
  return page(title, `<h1 id="status" class="error">${escape(title)}</h1><p id="detail">${escape(detail)}</p><p><a id="sign-in" href="/login">Sign in again</a> · <a href="/">Home</a></p>`);
}
