import { Http, type HttpResponse } from './http.js';

/**
 * One user agent: a cookie jar over a shared keep-alive connection pool, no automatic redirects.
 * Cookies are kept by name (path scoping is not needed against one server: sending a cookie to a
 * path it was not set for is harmless), and removed when the server expires them.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly http: Http) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.remember(await this.http.request('GET', url, { headers: this.withCookies(headers) }));
  }

  async postForm(url: string, form: Record<string, string>): Promise<HttpResponse> {
    return this.remember(await this.http.request('POST', url, { headers: this.withCookies({}), form }));
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  private withCookies(headers: Record<string, string>): Record<string, string> {
    if (this.cookies.size === 0) return headers;
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { ...headers, cookie };
  }

  private remember(response: HttpResponse): HttpResponse {
    const raw = response.headers['set-cookie'];
    const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, v] = a.trim().split('=', 2);
        const k = key!.toLowerCase();
        if (k === 'max-age') return Number(v) <= 0;
        if (k === 'expires') return Date.parse(v ?? '') <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}
