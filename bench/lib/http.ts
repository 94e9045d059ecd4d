import { Pool } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A failed step: any unexpected status or shape is an error of the scenario. */
export class StepError extends Error {
  constructor(step: string, detail: string) {
    super(`${step}: ${detail}`);
  }

  static fromResponse(step: string, response: HttpResponse): StepError {
    const snippet = response.body.replace(/\s+/g, ' ').slice(0, 160);
    return new StepError(step, `unexpected status ${response.status}${snippet ? ` (${snippet})` : ''}`);
  }
}

/** Keep-alive HTTP/1.1 connections to one origin (undici Pool), one per concurrent client. */
export class Http {
  private readonly pool: Pool;

  constructor(readonly origin: string, connections: number) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { headers?: Record<string, string>; form?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const target = new URL(url, this.origin);
    if (target.origin !== this.origin) throw new StepError('request', `refusing to leave ${this.origin} for ${target.origin}`);
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await this.pool.request({ method, path: target.pathname + target.search, headers, body });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function json(step: string, response: HttpResponse): Record<string, unknown> {
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new StepError(step, `the ${response.status} answer is not JSON`);
  }
}
