import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { insufficientScope, invalidToken } from '../../errors/oauth-error.js';
import { accessTokenVerifier, AccessTokenRejected } from '../../tokens/access-token-verifier.js';
import { userClaims } from '../../domain/token-claims.js';
import { corsHeaders, registerPreflight } from '../../http/cors.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';
import { readBearerToken } from './bearer.js';

/** GET and POST {issuer}/connect/userinfo (OpenID Connect Core 5.3, RFC 6750 bearer). */
export function registerUserinfo(app: FastifyInstance, ctx: AppContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = readBearerToken(request, ctx.config.issuer);
    let claims;
    try {
      claims = await accessTokenVerifier(ctx).verify(token);
    } catch (error) {
      if (error instanceof AccessTokenRejected) throw invalidToken(error.message);
      throw error;
    }
    const scope = claims.scope.split(' ');
    if (!scope.includes('openid')) throw insufficientScope('openid');
    const [user, client] = await Promise.all([ctx.store.users.getById(claims.sub), ctx.clients.get(claims.client_id)]);
    if (!user || !user.enabled) throw invalidToken('the user of this access token is disabled or no longer exists');
    if (!client || !client.app.enabled) throw invalidToken('the app this access token was issued to is disabled');
    setNoStore(reply);
    return reply.send(userClaims(user, scope));
  };
  app.get('/connect/userinfo', { onRequest: corsHeaders }, handler);
  app.post('/connect/userinfo', { onRequest: corsHeaders }, handler);
  registerPreflight(app, '/connect/userinfo', 'GET, POST');
  registerMethodNotAllowed(app, '/connect/userinfo', ['GET', 'POST']);
}
