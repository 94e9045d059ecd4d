import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { BearerError } from './bearer-error.js';
import { extractBearerToken } from './bearer-header.js';
import { checkDpopBinding, extractDpopToken, SeenProofs } from './dpop.js';
import type { AccessToken, AccessTokenVerifier } from './verifier.js';

export interface BearerAuthOptions {
  verifier: AccessTokenVerifier;
  /** the protection space named in WWW-Authenticate challenges (RFC 6750 3), e.g. "erp-api" */
  realm: string;
  /**
   * The API's public origin (e.g. "https://erp.example.com"), for the `htu` of DPoP proofs (RFC 9449);
   * default: the request's protocol and Host header.
   */
  publicOrigin?: string;
}

export interface BearerAuth {
  /** a preHandler that admits the request only with a valid access token carrying every given scope */
  requireScope(...scopes: string[]): preHandlerAsyncHookHandler;
}

const verified = new WeakMap<FastifyRequest, AccessToken>();

/** The access token admitted by `requireScope` for this request. */
export function accessTokenOf(request: FastifyRequest): AccessToken {
  const token = verified.get(request);
  if (!token) throw new Error('accessTokenOf: the route has no requireScope() preHandler');
  return token;
}

/**
 * Bearer-token protection for Fastify routes:
 * `app.get('/orders', { preHandler: auth.requireScope('read') }, handler)`.
 * Refusals are RFC 6750 answers with a JSON body mirroring the challenge; nothing is logged that
 * contains the token.
 */
export function createBearerAuth(options: BearerAuthOptions): BearerAuth {
  const seen = new SeenProofs();
  return {
    requireScope(...scopes) {
      return async function bearerPreHandler(request: FastifyRequest, reply: FastifyReply) {
        try {
          const dpopToken = extractDpopToken(request.headers.authorization);
          const token = dpopToken ?? extractBearerToken({
            authorization: request.headers.authorization,
            queryHasAccessToken: hasAccessTokenField(request.query),
            bodyHasAccessToken: hasAccessTokenField(request.body),
          });
          const accessToken = await options.verifier.verify(token, { scopes });
          const origin = options.publicOrigin ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`;
          await checkDpopBinding({
            token: accessToken, raw: token, scheme: dpopToken ? 'DPoP' : 'Bearer', proof: request.headers.dpop,
            method: request.method, htu: `${origin}${request.url.split('?')[0]!.split('#')[0]}`, now: Date.now(), seen,
          });
          verified.set(request, accessToken);
        } catch (error) {
          if (!(error instanceof BearerError)) throw error;
          if (error.status === 503) {
            request.log.warn({ reason: error.description }, 'access token could not be checked');
            reply.header('Retry-After', '5');
          } else if (error.code) {
            request.log.info({ error: error.code, reason: error.description }, 'access token refused');
          }
          reply.header('WWW-Authenticate', error.challenge(options.realm));
          reply.header('Cache-Control', 'no-store');
          await reply.code(error.status).send(error.toJSON());
        }
      };
    },
  };
}

function hasAccessTokenField(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'access_token');
}
