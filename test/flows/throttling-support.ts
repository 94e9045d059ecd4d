import { Writable } from 'node:stream';
import { pino } from 'pino';
import { TestBrowser } from '../support/browser.js';
import { openInteraction, submit, webParams, type SignInServer } from './authorize-support.js';

/** The log lines a server writes from now on, parsed (to check what was logged, and that no password was). */
export function captureLog(server: SignInServer): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  server.app.ctx.log = pino({ level: 'info' }, sink);
  return lines;
}

// prompt=login: a browser signed in before still gets the login page
const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb', prompt: 'login' };

/** Opens the login page of a fresh interaction in `browser` (an app without consent). */
export async function loginPage(server: SignInServer, browser: TestBrowser): Promise<string> {
  return (await openInteraction(browser, server.issuer, webParams(TOOL))).html;
}

/** Submits a login on a page opened before (several can be prepared, then sent at once). */
export function sendLogin(server: SignInServer, browser: TestBrowser, html: string, login: string, password: string): Promise<Response> {
  return submit(browser, server.origin, html, '/login', { login, password });
}

/** One sign-in attempt from `browser`: opens the login page and submits it. */
export async function attempt(server: SignInServer, browser: TestBrowser, login: string, password: string): Promise<Response> {
  return sendLogin(server, browser, await loginPage(server, browser), login, password);
}

/** Runs `count` attempts, `concurrency` at a time; returns their HTTP statuses in order. */
export async function attempts(
  count: number,
  concurrency: number,
  run: (i: number) => Promise<Response>,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, j) => run(start + j));
    for (const res of await Promise.all(batch)) {
      statuses.push(res.status);
      await res.body?.cancel();
    }
  }
  return statuses;
}

export function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

export { TestBrowser };
