import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { invalidClient, invalidRequest } from '../../errors/oauth-error.js';
import type { AuthenticatedClient } from '../../checks/client-auth.js';
import { authenticateClient } from '../../http/authenticate-client.js';
import { accessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { looksLikeJwt, MAX_TOKEN_LENGTH } from '../../tokens/token-kind.js';
import { sha256 } from '../../tokens/opaque.js';
import { isRefreshTokenActive } from '../../domain/refresh-family.js';
import { grantProblem } from '../../grants/subject-checks.js';
import { readForm } from '../../http/form.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';

const INACTIVE = Object.freeze({ active: false });

/**
 * POST {issuer}/connect/introspect (RFC 7662), for confidential apps only. A client sees only tokens
 * issued to itself as active: another client's token answers {"active": false}, like an expired,
 * revoked, unknown or malformed one, so introspection never reveals other apps' tokens.
 */
export function registerIntrospection(app: FastifyInstance, ctx: AppContext): void {
  app.post('/connect/introspect', async (request, reply) => {
    const form = readForm(request);
    const client = await authenticateClient(ctx, request, form);
    if (client.app.clientType !== 'confidential') {
      throw invalidClient('public apps cannot introspect tokens: introspection is for confidential apps that authenticate with a secret');
    }
    const token = form.get('token');
    if (token === undefined) throw invalidRequest('token is required');
    const body = token.length > MAX_TOKEN_LENGTH ? INACTIVE : await introspect(ctx, client, token);
    setNoStore(reply);
    return reply.send(body);
  });
  registerMethodNotAllowed(app, '/connect/introspect', ['POST']);
}

async function introspect(ctx: AppContext, client: AuthenticatedClient, token: string): Promise<object> {
  const clientId = client.app.clientId;
  if (looksLikeJwt(token)) {
    const claims = await accessTokenVerifier(ctx)
      .verify(token)
      .catch(() => undefined);
    if (!claims || claims.client_id !== clientId) return INACTIVE;
    const user = await ctx.store.users.getById(claims.sub);
    if (!user || !user.enabled) return INACTIVE;
    return {
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      username: user.login,
      token_type: claims.cnf?.jkt ? 'DPoP' : 'Bearer',
      // RFC 9449 6.2: the key the token is bound to
      ...(claims.cnf?.jkt ? { cnf: { jkt: claims.cnf.jkt } } : {}),
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
    };
  }
  const found = await ctx.store.refresh.find(sha256(token));
  if (!found || found.family.clientId !== clientId) return INACTIVE;
  const { token: record, family } = found;
  if (!isRefreshTokenActive(record, family, ctx.now())) return INACTIVE;
  const user = await ctx.store.users.getById(family.userId);
  if (!client.app.allowRefreshTokens || grantProblem(client.app, user, record.scope)) return INACTIVE;
  return {
    active: true,
    scope: record.scope.join(' '),
    client_id: clientId,
    username: user!.login,
    exp: Math.floor(family.expiresAt / 1000),
    iat: Math.floor(record.createdAt / 1000),
    sub: family.userId,
    iss: ctx.config.issuer,
  };
}
