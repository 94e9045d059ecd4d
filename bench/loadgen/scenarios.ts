import { Browser } from '../lib/browser.js';
import { Http, StepError } from '../lib/http.js';
import {
  bearerGet,
  exchangeCode,
  interactiveAuthorize,
  refresh,
  silentAuthorize,
  type Endpoints,
  type TargetInfo,
} from '../lib/oauth.js';
import { Exhausted, type Workload } from './measure.js';

export const SCENARIOS = ['refresh', 'code-exchange', 'silent-authorize', 'full-flow', 'userinfo', 'api', 'login'] as const;
export type ScenarioName = (typeof SCENARIOS)[number] | 'bare';

/** Scopes per scenario (the same for both servers). */
export const SCOPE = {
  offline: 'openid offline_access read',
  code: 'openid read',
  userinfo: 'openid profile',
} as const;

export interface ScenarioContext {
  target: TargetInfo;
  endpoints: Endpoints;
  http: Http;
  concurrency: number;
  /** code-exchange: how many codes to mint before measuring */
  codes: number;
  /** bare: the URL to GET */
  url?: string;
  /** notes the scenario wants in the report (e.g. mint rate) */
  notes: Record<string, number | string>;
}

/** Runs `count` tasks with at most `parallel` at a time. */
async function inParallel<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** Browsers with a live session and remembered consent for `scope`, each after a real sign-in. */
async function signedInBrowsers(ctx: ScenarioContext, scope: string, extra: Record<string, string> = {}) {
  return inParallel(ctx.concurrency, 4, async () => {
    const browser = new Browser(ctx.http);
    const { code, verifier } = await interactiveAuthorize(browser, ctx.target, ctx.endpoints, scope, extra);
    const tokens = await exchangeCode(ctx.http, ctx.target, ctx.endpoints, code, verifier, scope);
    return { browser, tokens };
  });
}

const offlineExtra = (ctx: ScenarioContext) => ctx.target.offlineExtra;

/**
 * Both servers must do the same work: RS256 (or the target's `alg`) JWT access tokens typed at+jwt
 * (RFC 9068) for the API and ID tokens of the same algorithm. Checked on the tokens of the setup
 * sign-ins, and noted in the report.
 */
function checkTokenFormats(ctx: ScenarioContext, tokens: { accessToken: string; idToken?: string }): void {
  const header = (jwt: string) => {
    try {
      return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string; typ?: string };
    } catch {
      return {};
    }
  };
  const alg = ctx.target.alg ?? 'RS256';
  const at = header(tokens.accessToken);
  if (at.alg !== alg || (at.typ ?? '').toLowerCase() !== 'at+jwt') {
    throw new StepError('token format', `the access token is not an ${alg} at+jwt JWT (alg ${at.alg}, typ ${at.typ})`);
  }
  if (tokens.idToken && header(tokens.idToken).alg !== alg) throw new StepError('token format', `the ID token is not ${alg}`);
  ctx.notes.accessToken = `JWT ${at.alg} typ ${at.typ}, ${tokens.accessToken.length} characters`;
}

export async function prepare(name: ScenarioName, ctx: ScenarioContext): Promise<Workload<any>> {
  const { target, endpoints, http } = ctx;
  switch (name) {
    case 'bare': {
      const url = ctx.url ?? '/';
      return {
        states: Array.from({ length: ctx.concurrency }, () => null),
        op: async () => {
          const response = await http.request('GET', url);
          if (response.status !== 200) throw StepError.fromResponse('bare', response);
        },
      };
    }

    case 'refresh': {
      const clients = await signedInBrowsers(ctx, SCOPE.offline, offlineExtra(ctx));
      checkTokenFormats(ctx, clients[0]!.tokens);
      const states = clients.map(({ tokens }) => {
        if (!tokens.refreshToken) throw new StepError('refresh setup', 'the sign-in gave no refresh token');
        return { refreshToken: tokens.refreshToken };
      });
      return {
        states,
        op: async (state: { refreshToken: string }) => {
          const tokens = await refresh(http, target, endpoints, state.refreshToken);
          state.refreshToken = tokens.refreshToken!;
          ctx.notes.idTokenOnRefresh ??= tokens.idToken ? 'yes' : 'no';
        },
      };
    }

    case 'code-exchange': {
      const clients = await signedInBrowsers(ctx, SCOPE.code);
      checkTokenFormats(ctx, clients[0]!.tokens);
      const started = performance.now();
      const codes = await inParallel(ctx.codes, ctx.concurrency, (i) =>
        silentAuthorize(clients[i % clients.length]!.browser, target, endpoints, SCOPE.code),
      );
      ctx.notes.mintedCodes = codes.length;
      ctx.notes.mintPerSecond = Math.round(codes.length / ((performance.now() - started) / 1000));
      let next = 0;
      return {
        states: clients.map(() => null),
        op: async () => {
          const minted = codes[next++];
          if (!minted) throw new Exhausted();
          await exchangeCode(http, target, endpoints, minted.code, minted.verifier, SCOPE.code);
        },
      };
    }

    case 'silent-authorize': {
      const clients = await signedInBrowsers(ctx, SCOPE.code);
      return {
        states: clients.map((c) => c.browser),
        op: async (browser: Browser) => {
          await silentAuthorize(browser, target, endpoints, SCOPE.code);
        },
      };
    }

    case 'full-flow': {
      const clients = await signedInBrowsers(ctx, SCOPE.code);
      return {
        states: clients.map((c) => c.browser),
        op: async (browser: Browser) => {
          const { code, verifier } = await silentAuthorize(browser, target, endpoints, SCOPE.code);
          await exchangeCode(http, target, endpoints, code, verifier, SCOPE.code);
        },
      };
    }

    case 'userinfo': {
      const clients = await signedInBrowsers(ctx, SCOPE.userinfo);
      return {
        states: clients.map((c) => c.tokens.accessToken),
        op: async (accessToken: string) => {
          const claims = await bearerGet(http, endpoints.userinfo, accessToken, 'userinfo');
          if (typeof claims.sub !== 'string') throw new StepError('userinfo', 'no sub in the answer');
        },
      };
    }

    case 'api': {
      if (!target.apiUrl) throw new StepError('api', `no sample API is set up for ${target.name}`);
      const clients = await signedInBrowsers(ctx, SCOPE.code);
      checkTokenFormats(ctx, clients[0]!.tokens);
      const api = new Http(new URL(target.apiUrl).origin, ctx.concurrency);
      const apiUrl = target.apiUrl;
      return {
        states: clients.map((c) => c.tokens.accessToken),
        op: async (accessToken: string) => {
          await bearerGet(api, apiUrl, accessToken, 'api');
        },
      };
    }

    case 'login': {
      // one sign-in first, so the consent is remembered and every measured sign-in is login only
      await signedInBrowsers({ ...ctx, concurrency: 1 }, SCOPE.code);
      return {
        states: Array.from({ length: ctx.concurrency }, () => null),
        op: async () => {
          const browser = new Browser(http);
          const { code, pages } = await interactiveAuthorize(browser, target, endpoints, SCOPE.code);
          if (pages !== 1 || !code) throw new StepError('login', `expected exactly the login page, saw ${pages} pages`);
        },
      };
    }
  }
}
