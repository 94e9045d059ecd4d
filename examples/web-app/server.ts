import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import * as client from 'openid-client';
import { OidcClient, SignInRequired } from './oidc.js';
import { SessionStore, sameToken, type WebSession } from './sessions.js';
import { errorPage, homePage, signedOutPage } from './pages.js';

export interface WebAppOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** base URL of the sample ERP API, e.g. http://127.0.0.1:4000 */
  apiUrl: string;
  port: number;
  host: string;
  /** the URL browsers use to reach this app (defaults to http://host:port) */
  publicUrl?: string;
  scope?: string;
  /** renew the access token this many seconds before it expires (default 10) */
  refreshMarginSeconds?: number;
  /** clock in epoch ms (tests move it forward to let tokens expire) */
  now?: () => number;
}

export interface RunningWebApp {
  url: string;
  server: FastifyInstance;
  close(): Promise<void>;
}

const COOKIE = 'webapp_session';

/**
 * A server-side web app (confidential client). The browser only ever holds an opaque session cookie;
 * tokens stay in the server's session store.
 */
export async function startWebApp(options: WebAppOptions): Promise<RunningWebApp> {
  const now = options.now ?? Date.now;
  const app = Fastify({ logger: false });
  await app.register(cookie);
  await app.register(formbody);
  // known once listening (the port may be chosen by the OS)
  let baseUrl = '';

  const sessions = new SessionStore(8 * 3600 * 1000, now);
  let oidcPromise: Promise<OidcClient> | undefined;
  const oidc = () => {
    oidcPromise ??= OidcClient.discover({
      issuer: options.issuer,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri: `${baseUrl}/callback`,
      postLogoutRedirectUri: `${baseUrl}/signed-out`,
      scope: options.scope ?? 'openid profile offline_access read update',
      refreshMarginMs: (options.refreshMarginSeconds ?? 10) * 1000,
      now,
    }).catch((error: unknown) => {
      oidcPromise = undefined; // try discovery again on the next request
      throw error;
    });
    return oidcPromise;
  };

  const setSessionCookie = (reply: FastifyReply, id: string) =>
    reply.setCookie(COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: baseUrl.startsWith('https:'), path: '/' });
  const current = (request: FastifyRequest): WebSession | undefined => sessions.get(request.cookies[COOKIE]);

  app.addHook('onSend', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' " + new URL(options.issuer).origin + "; frame-ancestors 'none'");
    reply.header('Referrer-Policy', 'no-referrer');
  });

  /** Calls the ERP API with the session's access token; on a 401 renews once and retries. */
  async function callApi<T>(session: WebSession, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const client = await oidc();
    for (let attempt = 0; ; attempt += 1) {
      const token = await client.accessToken(session);
      const res = await fetch(`${options.apiUrl}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      });
      if (res.status === 401 && attempt === 0) {
        await client.refresh(session); // the token was refused (expired early, revoked): renew once
        continue;
      }
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    }
  }

  app.get('/', async (request, reply) => {
    const session = current(request);
    if (!session?.tokens || !session.user) {
      return reply.type('text/html').send(signedOutPage('You are not signed in'));
    }
    try {
      const me = await callApi<unknown>(session, '/api/me');
      const orders = await callApi<HomeOrders>(session, '/api/sales-orders');
      const customers = await callApi<Array<{ name: string; city: string | null }>>(session, '/api/customers');
      if (me.status !== 200 || orders.status !== 200) {
        return reply.code(502).type('text/html').send(errorPage('The ERP API refused the request', JSON.stringify(me.body ?? orders.body)));
      }
      return reply.type('text/html').send(
        homePage({
          name: session.user.name,
          login: session.user.login,
          me: me.body,
          orders: orders.body,
          customers: customers.status === 200 ? customers.body : 'Customer records are only available to internal users.',
          refreshCount: session.refreshCount,
          accessTokenExpiresAt: session.tokens!.accessTokenExpiresAt,
          csrf: session.csrf,
        }),
      );
    } catch (error) {
      if (error instanceof SignInRequired) {
        return reply.type('text/html').send(errorPage('Please sign in again', error.message));
      }
      throw error;
    }
  });

  app.get('/login', async (request, reply) => {
    let id = request.cookies[COOKIE];
    let session = sessions.get(id);
    if (!session) {
      ({ id, session } = sessions.create());
      setSessionCookie(reply, id);
    }
    const extra: Record<string, string> = {};
    const query = request.query as Record<string, string | undefined>;
    if (query.prompt === 'login') extra.prompt = 'login';
    return reply.redirect((await (await oidc()).startLogin(session, extra)).href, 303);
  });

  app.get('/callback', async (request, reply) => {
    const id = request.cookies[COOKIE];
    const session = sessions.get(id);
    if (!session || !id) {
      return reply.code(400).type('text/html').send(errorPage('Sign-in failed', 'this browser has no sign-in in progress (cookies blocked or the session expired)'));
    }
    try {
      await (await oidc()).finishLogin(session, new URL(request.url, baseUrl));
    } catch (error) {
      const { title, detail } = describeLoginError(error);
      return reply.code(400).type('text/html').send(errorPage(title, detail));
    }
    setSessionCookie(reply, sessions.rotate(id));
    return reply.redirect('/', 303);
  });

  app.post('/orders', async (request, reply) => {
    const session = current(request);
    if (!session?.tokens || !sameToken((request.body as { csrf?: string } | undefined)?.csrf, session.csrf)) {
      return reply.code(403).type('text/html').send(errorPage('Request refused', 'the form was stale; reload the page'));
    }
    try {
      const customers = await callApi<Array<{ id: string }>>(session, '/api/customers');
      const customerId = customers.status === 200 ? customers.body[0]?.id : undefined;
      if (!customerId) return reply.code(403).type('text/html').send(errorPage('Cannot create an order', 'no customer is visible to you'));
      const created = await callApi<unknown>(session, '/api/sales-orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, description: 'Sample order from the web app', amountCents: 4200 }),
      });
      if (created.status !== 201) {
        return reply.code(502).type('text/html').send(errorPage('The ERP API refused the order', JSON.stringify(created.body)));
      }
      return reply.redirect('/', 303);
    } catch (error) {
      if (error instanceof SignInRequired) return reply.type('text/html').send(errorPage('Please sign in again', error.message));
      throw error;
    }
  });

  app.post('/logout', async (request, reply) => {
    const id = request.cookies[COOKIE];
    const session = sessions.get(id);
    if (!session || !sameToken((request.body as { csrf?: string } | undefined)?.csrf, session.csrf)) {
      return reply.code(403).type('text/html').send(errorPage('Request refused', 'the form was stale; reload the page'));
    }
    sessions.destroy(id);
    reply.clearCookie(COOKIE, { path: '/' });
    const url = await (await oidc()).logoutUrl(session.tokens, randomBytes(16).toString('base64url'));
    return reply.redirect(url.href, 303);
  });

  app.get('/signed-out', async (request, reply) => reply.type('text/html').send(signedOutPage('You are signed out')));

  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  baseUrl = (options.publicUrl ?? `http://${options.host}:${port}`).replace(/\/$/, '');
  return { url: baseUrl, server: app, close: () => app.close() };
}

type HomeOrders = Parameters<typeof homePage>[0]['orders'];

function describeLoginError(error: unknown): { title: string; detail: string } {
  if (error instanceof client.AuthorizationResponseError) {
    // the identity server sent the user back with an error (e.g. access_denied when consent was denied)
    return { title: `Sign-in did not complete: ${error.error}`, detail: error.error_description ?? '' };
  }
  if (error instanceof client.ResponseBodyError) {
    return { title: `The code exchange failed: ${error.error}`, detail: error.error_description ?? '' };
  }
  return { title: 'Sign-in failed', detail: error instanceof Error ? error.message : String(error) };
}
