import type { FastifyInstance } from 'fastify';
import { CompactSign } from 'jose';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { invalidClient, invalidRequest } from '../../errors/oauth-error.js';
import { basicChallenge } from '../../checks/client-auth.js';
import { authenticateApi } from '../../http/authenticate-api.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';
import { ENDPOINT_PATHS } from '../discovery/document.js';
import { feedEntry, REVOCATION_FEED_TYP } from './entries.js';

/** Entries per answer; `more: true` says to ask again with the returned cursor at once. */
export const FEED_PAGE_SIZE = 1000;
/** How long a signed answer is valid (the API checks `exp`: an old answer cannot be replayed for long). */
const ANSWER_LIFETIME_SECONDS = 300;
const EMPTY_FORM: ReadonlyMap<string, string> = new Map();

/**
 * GET {issuer}/connect/revocations?since=<cursor>: what was revoked since the cursor, for registered APIs
 * (HTTP Basic with the API's audience and secret). The answer is a JWT signed with the current signing key
 * (verifiable through the JWKS, typ revocation-feed+jwt) whose claims list the entries and the next cursor.
 */
export function registerRevocationFeed(app: FastifyInstance, ctx: AppContext): void {
  app.get(ENDPOINT_PATHS.revocationFeed, async (request, reply) => {
    if (!request.headers.authorization || !/^Basic\b/i.test(request.headers.authorization)) {
      throw invalidClient("the revocation feed is for registered APIs: authenticate with HTTP Basic (the API's audience and secret)", {
        wwwAuthenticate: basicChallenge(ctx.config.issuer),
      });
    }
    const { api } = await authenticateApi(ctx, request, EMPTY_FORM);
    if (!api) {
      throw invalidClient("the revocation feed is for registered APIs: authenticate with the API's audience and secret, not an app's", {
        wwwAuthenticate: basicChallenge(ctx.config.issuer),
      });
    }
    const since = readCursor((request.query ?? {}) as Record<string, unknown>);
    const latest = await ctx.store.revocationEvents.latest();
    // a cursor from the future (a restored database) starts over rather than missing entries
    const from = since > latest ? 0 : since;
    const now = ctx.now();
    const events = (await ctx.store.revocationEvents.since(from, now, FEED_PAGE_SIZE + 1)).filter((event) => event.seq <= latest);
    const more = events.length > FEED_PAGE_SIZE;
    const page = events.slice(0, FEED_PAGE_SIZE);
    const cursor = more ? page[page.length - 1]!.seq : latest;
    const iat = Math.floor(now / 1000);
    const claims = {
      iss: ctx.config.issuer,
      aud: api.api.audience,
      iat,
      exp: iat + ANSWER_LIFETIME_SECONDS,
      since: String(since),
      cursor: String(cursor),
      more,
      entries: page.map(feedEntry),
    };
    const key = await ctx.keys.current(ctx.config.signingAlg);
    const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: key.alg, typ: REVOCATION_FEED_TYP, kid: key.kid })
      .sign(key.privateKey);
    setNoStore(reply);
    return reply.type('application/jwt').send(jwt);
  });
  registerMethodNotAllowed(app, ENDPOINT_PATHS.revocationFeed, ['GET']);
}

function readCursor(query: Record<string, unknown>): number {
  const since = query.since;
  if (since === undefined || since === '') return 0;
  if (typeof since !== 'string' || !/^\d{1,15}$/.test(since)) {
    throw invalidRequest('since must be the cursor of an earlier answer (a non-negative integer), or absent to start from the beginning');
  }
  return Number(since);
}
