import { createHash, randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A minimal browser for flow tests: a cookie jar (path-scoped, honours Max-Age / Expires, HttpOnly
 * is irrelevant here, Secure cookies only over https), no automatic redirects, HTML form helpers.
 */
interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  secure: boolean;
  expiresAt: number | null;
}

export interface ParsedForm {
  method: string;
  action: string;
  /** hidden and pre-filled fields, by name */
  fields: Record<string, string>;
  /** submit buttons' name=value pairs */
  buttons: { name: string; value: string }[];
}

export class TestBrowser {
  private jar: StoredCookie[] = [];
  private readonly agent: Agent | undefined;

  /**
   * `sourceAddress`: connect from this local address (any 127.0.0.x), to play a client at another
   * address than the other browsers of a test.
   */
  constructor(options: { sourceAddress?: string; headers?: Record<string, string> } = {}) {
    this.agent = options.sourceAddress ? new Agent({ localAddress: options.sourceAddress }) : undefined;
    this.extraHeaders = options.headers ?? {};
  }

  private readonly extraHeaders: Record<string, string>;

  /** Like fetch, but sends and stores cookies and never follows redirects. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    for (const [name, value] of Object.entries(this.extraHeaders)) if (!headers.has(name)) headers.set(name, value);
    const response = this.agent
      ? ((await undiciFetch(target, { ...(init as object), headers: Object.fromEntries(headers), redirect: 'manual', dispatcher: this.agent })) as unknown as Response)
      : await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(target, line);
    return response;
  }

  /** GET a URL. */
  get(url: string | URL): Promise<Response> {
    return this.fetch(url);
  }

  /** POST an application/x-www-form-urlencoded form. */
  postForm(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The value of a cookie currently in the jar (any path). */
  cookie(name: string): string | undefined {
    this.expire();
    return this.jar.find((c) => c.name === name)?.value;
  }

  /** Puts a cookie in the jar by hand (e.g. to copy one into another browser). */
  setCookie(url: string | URL, name: string, value: string, path = '/'): void {
    const host = new URL(url).host;
    this.jar = this.jar.filter((c) => !(c.name === name && c.host === host && c.path === path));
    this.jar.push({ name, value, host, path, secure: false, expiresAt: null });
  }

  deleteCookie(name: string): void {
    this.jar = this.jar.filter((c) => c.name !== name);
  }

  clearCookies(): void {
    this.jar = [];
  }

  private cookieHeader(url: URL): string {
    this.expire();
    return this.jar
      .filter((c) => c.host === url.host && pathMatches(url.pathname, c.path) && (!c.secure || url.protocol === 'https:'))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, line: string): void {
    const [pair, ...attributes] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq <= 0) return;
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let secure = false;
    let expiresAt: number | null = null;
    for (const attribute of attributes) {
      const [rawKey, ...rest] = attribute.split('=');
      const key = rawKey!.trim().toLowerCase();
      const val = rest.join('=').trim();
      if (key === 'path' && val.startsWith('/')) path = val;
      else if (key === 'secure') secure = true;
      else if (key === 'max-age') expiresAt = Date.now() + Number(val) * 1000;
      else if (key === 'expires' && expiresAt === null) expiresAt = Date.parse(val);
    }
    this.jar = this.jar.filter((c) => !(c.name === name && c.host === url.host && c.path === path));
    if (expiresAt !== null && expiresAt <= Date.now()) return;
    this.jar.push({ name, value, host: url.host, path, secure, expiresAt });
  }

  private expire(): void {
    const now = Date.now();
    this.jar = this.jar.filter((c) => c.expiresAt === null || c.expiresAt > now);
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
}

/** The forms of a server-rendered page (our pages only: simple, double-quoted attributes). */
export function parseForms(html: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = match[1]!;
    const inner = match[2]!;
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name !== undefined) fields[name] = attribute(input[0], 'value') ?? '';
    }
    const buttons: { name: string; value: string }[] = [];
    for (const button of inner.matchAll(/<button\b[^>]*>/gi)) {
      const name = attribute(button[0], 'name');
      if (name !== undefined) buttons.push({ name, value: attribute(button[0], 'value') ?? '' });
    }
    forms.push({
      method: (attribute(open, 'method') ?? 'get').toLowerCase(),
      action: attribute(open, 'action') ?? '',
      fields,
      buttons,
    });
  }
  return forms;
}

export interface Credentials {
  login: string;
  password: string;
  /** answer to the consent page when it is shown (default allow) */
  consent?: 'allow' | 'deny';
}

export class SignInError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
  }
}

/**
 * Drives /connect/authorize like a person with a browser: follows the interaction redirects, fills
 * in the login form (login, password, csrf), answers the consent page, and returns the URL the
 * browser is finally sent to at the app (the 303 Location). For response_mode=form_post it returns
 * the form's action with the posted fields as query parameters.
 */
export async function signIn(
  browser: TestBrowser,
  issuer: string,
  authorizeParams: Record<string, string>,
  credentials: Credentials,
): Promise<URL> {
  let url = new URL(`${issuer}/connect/authorize?${new URLSearchParams(authorizeParams)}`);
  let response = await browser.fetch(url);
  let loginsSent = 0;
  for (let step = 0; step < 10; step++) {
    if (response.status === 302 || response.status === 303) {
      const location = new URL(response.headers.get('location') ?? '', url);
      if (location.href.startsWith(`${issuer}/`)) {
        url = location;
        response = await browser.fetch(url);
        continue;
      }
      return location;
    }
    const body = await response.text();
    if (response.status !== 200) {
      throw new SignInError(`sign-in stopped at ${url.pathname} with HTTP ${response.status}`, response.status, body);
    }
    const forms = parseForms(body);
    const first = forms[0];
    if (!first) throw new SignInError(`no form on the page at ${url.pathname}`, response.status, body);
    const action = new URL(first.action, url);
    if (!action.href.startsWith(`${issuer}/`)) {
      // form_post response: the browser would post these fields to the app
      for (const [name, value] of Object.entries(first.fields)) action.searchParams.append(name, value);
      return action;
    }
    if (action.pathname.endsWith('/login')) {
      if (loginsSent++ > 0) throw new SignInError('the login form was shown again (wrong credentials?)', 200, body);
      url = action;
      response = await browser.postForm(action, {
        ...first.fields,
        login: credentials.login,
        password: credentials.password,
      });
      continue;
    }
    if (action.pathname.endsWith('/consent')) {
      url = action;
      response = await browser.postForm(action, { csrf: first.fields.csrf ?? '', decision: credentials.consent ?? 'allow' });
      continue;
    }
    throw new SignInError(`unexpected form action ${action.pathname}`, response.status, body);
  }
  throw new Error('too many steps while signing in');
}

/** Signs in and returns the authorization code (throws if the app received an error instead). */
export async function getAuthorizationCode(
  browser: TestBrowser,
  issuer: string,
  authorizeParams: Record<string, string>,
  credentials: Credentials,
): Promise<{ code: string; state: string | null; iss: string | null }> {
  const url = await signIn(browser, issuer, authorizeParams, credentials);
  const error = url.searchParams.get('error');
  if (error) throw new Error(`the app received error=${error}: ${url.searchParams.get('error_description') ?? ''}`);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code in ${url.href}`);
  return { code, state: url.searchParams.get('state'), iss: url.searchParams.get('iss') };
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
