import http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';

export interface NativeAppOptions {
  issuer: string;
  clientId: string;
  apiUrl: string;
  scope?: string;
  /** opens the authorize URL in the user's browser (default: the platform's opener; tests drive a browser) */
  openBrowser?: (url: string) => void | Promise<void>;
  /** where progress is written (default: stdout) */
  print?: (line: string) => void;
  /** give up waiting for the browser after this many ms (default 5 minutes) */
  timeoutMs?: number;
}

export interface NativeAppResult {
  user: { sub: string; name?: string; login?: string };
  me: unknown;
  orders: unknown[];
  /** whether a refresh token was granted (kept in memory only) */
  hasRefreshToken: boolean;
}

/**
 * A native (desktop / command-line) app, public client, per RFC 8252: the authorization request goes
 * through the system browser, the code comes back to a loopback listener on 127.0.0.1 with a port
 * chosen by the OS (the app is registered with http://127.0.0.1/callback; Trustgate accepts any port
 * for loopback IP redirect URIs of public apps), PKCE and state protect the exchange. Tokens live in
 * memory only and are never written anywhere.
 */
export async function runNativeApp(options: NativeAppOptions): Promise<NativeAppResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const issuer = new URL(options.issuer);
  const config = await client.discovery(
    issuer,
    options.clientId,
    undefined,
    client.None(), // a public client: no secret; PKCE proves the code is ours
    issuer.protocol === 'http:' && issuer.hostname === '127.0.0.1' ? { execute: [client.allowInsecureRequests] } : undefined,
  );

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const listener = await listenOnLoopback();
  const redirectUri = `http://127.0.0.1:${listener.port}/callback`;
  try {
    const authorizeUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: options.scope ?? 'openid profile offline_access read',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    print('Open this URL in your browser to sign in (trying to open it for you):');
    print(authorizeUrl.href);
    const callback = listener.waitForCallback(state, options.timeoutMs ?? 5 * 60_000);
    // fire and forget: the browser comes back to the listener whenever the user has signed in
    Promise.resolve()
      .then(() => (options.openBrowser ?? openWithSystemBrowser)(authorizeUrl.href))
      .catch((error: unknown) => print(`Could not open a browser (${String(error)}); open the URL above yourself.`));
    const callbackUrl = await callback;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      listener.answer(400, 'Sign-in failed', describe(error));
      throw error;
    }
    listener.answer(200, 'Signed in', 'You can close this window and return to the app.');
    const claims = tokens.claims()!;
    print(`Signed in as ${String(claims.preferred_username ?? claims.sub)}.`);

    const api = async (path: string) => {
      const res = await fetch(`${options.apiUrl}${path}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      if (!res.ok) throw new Error(`the API answered ${res.status} ${res.headers.get('www-authenticate') ?? ''}`);
      return res.json() as Promise<unknown>;
    };
    const me = await api('/api/me');
    const orders = (await api('/api/sales-orders')) as unknown[];
    print(`The API says: ${JSON.stringify(me)}`);
    print(`You have ${orders.length} sales order(s).`);
    return {
      user: {
        sub: claims.sub,
        name: typeof claims.name === 'string' ? claims.name : undefined,
        login: typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined,
      },
      me,
      orders,
      hasRefreshToken: typeof tokens.refresh_token === 'string',
    };
  } finally {
    await listener.close();
  }
}

/** The loopback redirect listener: 127.0.0.1 only, an OS-chosen port, one valid callback. */
async function listenOnLoopback() {
  let pendingResponse: http.ServerResponse | undefined;
  let deliver: ((url: URL) => void) | undefined;
  let expectedState = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1`);
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    // a request without our state is not the answer to our request (another page or process): ignore it
    if (url.searchParams.get('state') !== expectedState || !deliver) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unexpected callback');
      return;
    }
    pendingResponse = res;
    const done = deliver;
    deliver = undefined;
    done(new URL(req.url ?? '/', `http://127.0.0.1:${port}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    waitForCallback(state: string, timeoutMs: number): Promise<URL> {
      expectedState = state;
      return new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for the browser to come back')), timeoutMs);
        deliver = (url) => {
          clearTimeout(timer);
          resolve(url);
        };
      });
    },
    answer(status: number, title: string, text: string) {
      const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1 id="status">${escape(title)}</h1><p id="detail">${escape(text)}</p></body></html>`;
      pendingResponse?.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
      pendingResponse = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function openWithSystemBrowser(url: string): void {
  if (process.env.NO_BROWSER) return;
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no opener: the user copies the printed URL
    child.unref();
  } catch {
    // the URL was printed
  }
}

function describe(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) return `${error.error}: ${error.error_description ?? ''}`;
  if (error instanceof client.ResponseBodyError) return `${error.error}: ${error.error_description ?? ''}`;
  return error instanceof Error ? error.message : String(error);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
