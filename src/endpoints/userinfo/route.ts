import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { insufficientScope, invalidToken } from '../../errors/oauth-error.js';
import { accessTokenVerifier, AccessTokenRejected, REVOKED } from '../../tokens/access-token-verifier.js';
import { userClaims } from '../../domain/token-claims.js';
import { corsHeaders, registerPreflight } from '../../http/cors.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';
import { readAccessToken } from './bearer.js';
import { dpopNonceHeader, invalidDpopProof, readDpopProof } from '../../http/dpop.js';
import { OAuthError } from '../../errors/oauth-error.js';

/** GET and POST {issuer}/connect/userinfo (OpenID Connect Core 5.3, RFC 6750 bearer). */
export function registerUserinfo(app: FastifyInstance, ctx: AppContext): void {
  const nonce = dpopNonceHeader(ctx);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const { token, scheme } = readAccessToken(request, ctx.config.issuer);
    let claims;
    try {
      // the deny list is read below, with the user, in one statement
      claims = await accessTokenVerifier(ctx).verify(token, { checkDenyList: false });
    } catch (error) {
      if (error instanceof AccessTokenRejected) throw invalidToken(error.message);
      throw error;
    }
    const { user, revoked } = await ctx.store.users.getByIdUnlessRevoked(claims.sub, claims.jti);
    if (revoked) throw invalidToken(REVOKED);
    await checkPossession(ctx, request, token, scheme, claims.cnf?.jkt);
    const scope = claims.scope.split(' ');
    if (!scope.includes('openid')) throw insufficientScope('openid');
    const client = await ctx.clients.get(claims.client_id);
    if (!user || !user.enabled) throw invalidToken('the user of this access token is disabled or no longer exists');
    if (!client || !client.app.enabled) throw invalidToken('the app this access token was issued to is disabled');
    setNoStore(reply);
    return reply.send(userClaims(user, scope));
  };
  app.get('/connect/userinfo', { onRequest: [corsHeaders, nonce] }, handler);
  app.post('/connect/userinfo', { onRequest: [corsHeaders, nonce] }, handler);
  registerPreflight(app, '/connect/userinfo', 'GET, POST');
  registerMethodNotAllowed(app, '/connect/userinfo', ['GET', 'POST']);
}

/**
 * RFC 9449 7: a DPoP-bound access token (cnf.jkt) is accepted only as `Authorization: DPoP` with a proof
 * for this request, made with the bound key, whose ath is the token's hash; a bearer token only as Bearer.
 */
async function checkPossession(
  ctx: AppContext,
  request: FastifyRequest,
  token: string,
  scheme: 'Bearer' | 'DPoP',
  boundTo: string | undefined,
): Promise<void> {
  const challenge = (error: string, description: string) =>
    new OAuthError('invalid_token', description, {
      status: 401,
      wwwAuthenticate: `DPoP algs="ES256 EdDSA RS256 PS256", error="${error}", error_description="${description.replace(/"/g, "'")}"`,
    });
  if (boundTo === undefined) {
    if (scheme === 'DPoP') throw challenge('invalid_token', 'the access token is not bound to a DPoP key: send it as "Authorization: Bearer <token>"');
    return;
  }
  if (scheme !== 'DPoP') {
    throw challenge('invalid_token', 'the access token is bound to a DPoP key: send it as "Authorization: DPoP <token>" with a DPoP proof');
  }
  const proof = await readDpopProof(ctx, request, `${ctx.config.issuer}/connect/userinfo`, { accessToken: token, resource: true });
  if (!proof) throw invalidDpopProof('a DPoP proof is required with a DPoP-bound access token', true);
  if (proof.jkt !== boundTo) throw invalidDpopProof('the DPoP proof was made with another key than the one the access token is bound to', true);
}
