// The example SPA (public client): runs in the browser, signs in with oidc-client-ts (code flow +
// PKCE), calls the ERP API directly (CORS) and renews its access token with the rotating refresh
// token. Bundled by esbuild (see server.ts); configuration comes from /config.json.
import { ErrorResponse, IndexedDbDPoPStore, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

interface SpaConfig {
  issuer: string;
  clientId: string;
  apiUrl: string;
  scope: string;
  /** start renewing this many seconds before the access token expires */
  renewBeforeSeconds: number;
  /** where the tokens live: `session` (one tab; the default) or `local` (shared by the origin's tabs) */
  tokenStorage: 'session' | 'local';
  /** bind the tokens to a non-extractable key kept in IndexedDB (DPoP, RFC 9449) */
  dpop: boolean;
}

const $ = (id: string) => document.getElementById(id)!;
let refreshCount = 0;

function show(section: 'signed-in' | 'signed-out') {
  $('signed-in').hidden = section !== 'signed-in';
  $('signed-out').hidden = section !== 'signed-out';
}

function status(text: string, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : 'muted';
}

async function callApi<T>(manager: UserManager, user: User, config: SpaConfig, path: string, init: RequestInit = {}): Promise<T> {
  const url = `${config.apiUrl}${path}`;
  const method = init.method ?? 'GET';
  // a DPoP-bound token goes with the DPoP scheme and a proof of this request made with the app's key
  const proof = config.dpop ? await manager.dpopProof(url, user, method) : undefined;
  const res = await fetch(url, {
    ...init,
    headers: {
      ...(init.headers as Record<string, string>),
      authorization: `${proof ? 'DPoP' : 'Bearer'} ${user.access_token}`,
      ...(proof ? { dpop: proof } : {}),
    },
  });
  if (!res.ok) {
    throw new Error(`the API answered ${res.status}: ${res.headers.get('www-authenticate') ?? (await res.text())}`);
  }
  return (await res.json()) as T;
}

interface Order { number: string; customerName: string; description: string; status: string }

async function render(manager: UserManager, config: SpaConfig) {
  const user = await manager.getUser();
  if (!user || user.expired && !user.refresh_token) {
    show('signed-out');
    return;
  }
  show('signed-in');
  $('user-name').textContent = String(user.profile.name ?? user.profile.preferred_username ?? user.profile.sub);
  $('refresh-count').textContent = String(refreshCount);
  // how the user signed in, from the ID token: methods (amr, e.g. pwd otp mfa) and level (acr)
  $('amr').textContent = Array.isArray(user.profile.amr) ? user.profile.amr.join(' ') : '';
  $('acr').textContent = typeof user.profile.acr === 'string' ? user.profile.acr : '';
  $('token-expiry').textContent = user.expires_at ? new Date(user.expires_at * 1000).toISOString() : '';
  try {
    const orders = await callApi<Order[]>(manager, user, config, '/api/sales-orders');
    const list = $('orders');
    list.replaceChildren(
      ...(orders.length
        ? orders.map((o) => {
            const li = document.createElement('li');
            li.textContent = `${o.number} · ${o.customerName} · ${o.description} (${o.status})`;
            return li;
          })
        : [Object.assign(document.createElement('li'), { textContent: 'You have no sales orders yet.' })]),
    );
    const me = await callApi<{ sub: string; scopes: string[] }>(manager, user, config, '/api/me');
    $('me').textContent = JSON.stringify(me, null, 2);
    $('api-status').textContent = `API data loaded at ${new Date().toISOString()}`;
  } catch (error) {
    $('api-status').textContent = error instanceof Error ? error.message : String(error);
  }
}

async function main() {
  const config = (await (await fetch('/config.json')).json()) as SpaConfig;
  const origin = window.location.origin;
  const manager = new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/signed-out`,
    response_type: 'code',
    scope: config.scope,
    // oidc-client-ts 3 calls userinfo with the Bearer scheme only, which a DPoP-bound token may not use:
    // with DPoP the profile comes from the ID token
    loadUserInfo: !config.dpop,
    // keep acr and amr in the User profile (the library drops them by default, with nbf, jti, nonce …)
    filterProtocolClaims: ['nbf', 'jti', 'auth_time', 'nonce', 'azp', 'at_hash'],
    // renew with the refresh token (offline_access) shortly before the access token expires
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: config.renewBeforeSeconds,
    // on sign-out, revoke the refresh token (and the access token) at the revocation endpoint
    revokeTokensOnSignout: true,
    // sessionStorage: each tab signs in on its own; localStorage: every tab of the origin shares the
    // tokens (and their refreshes may race: Trustgate's reuse grace window keeps both tabs signed in)
    userStore: new WebStorageStateStore({ store: config.tokenStorage === 'local' ? window.localStorage : window.sessionStorage }),
    // DPoP: a non-extractable key in IndexedDB signs a proof for every token request (and API call);
    // Trustgate binds the access tokens and, for this public app, the refresh tokens to it
    ...(config.dpop ? { dpop: { store: new IndexedDbDPoPStore() } } : {}),
  });

  manager.events.addUserLoaded(() => {
    // raised after every renewal: the new tokens (incl. the rotated refresh token) are stored by the library
    refreshCount += 1;
    void render(manager, config);
  });
  manager.events.addSilentRenewError((error) => status(`Could not renew the access token: ${error.message}`, true));
  manager.events.addUserSignedOut(() => void render(manager, config));

  // `?acr_values=…` on the SPA's page asks Trustgate for that sign-in level (e.g. urn:trustgate:acr:phr
  // for a passkey); a session that lacks it is stepped up rather than signed in from scratch
  const acrValues = new URLSearchParams(window.location.search).get('acr_values') ?? undefined;
  $('sign-in').addEventListener('click', () => void manager.signinRedirect(acrValues ? { acr_values: acrValues } : undefined));
  $('sign-out').addEventListener('click', () => void manager.signoutRedirect());
  $('reload').addEventListener('click', () => void render(manager, config));
  $('renew').addEventListener('click', () => void manager.signinSilent().catch((e: Error) => status(e.message, true)));

  if (window.location.pathname === '/callback') {
    try {
      await manager.signinRedirectCallback();
      refreshCount = 0;
      status('Signed in.');
    } catch (error) {
      // e.g. access_denied when the user denied consent: the server sent an error instead of a code
      const text = error instanceof ErrorResponse ? `Sign-in did not complete: ${error.error}: ${error.error_description ?? ''}` : String(error);
      status(text, true);
    }
    window.history.replaceState({}, '', '/');
  } else if (window.location.pathname === '/signed-out') {
    status('You are signed out');
    window.history.replaceState({}, '', '/');
  }
  await render(manager, config);
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => status(`The app failed to start: ${String(error)}`, true));
