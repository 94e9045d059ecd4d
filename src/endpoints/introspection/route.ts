import type { FastifyInstance } from 'fastify';
import { CompactSign } from 'jose';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { invalidClient, invalidRequest } from '../../errors/oauth-error.js';
import { authenticateClient } from '../../http/authenticate-client.js';
import { authenticateApi } from '../../http/authenticate-api.js';
import { accessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { looksLikeJwt, MAX_TOKEN_LENGTH } from '../../tokens/token-kind.js';
import { sha256 } from '../../tokens/opaque.js';
import { isRefreshTokenActive } from '../../domain/refresh-family.js';
import { grantProblem } from '../../grants/subject-checks.js';
import { readForm } from '../../http/form.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';
import { isReferenceTokenActive, type ReferenceToken } from '../../domain/reference-token.js';
import { audienceClaim } from '../../domain/token-claims.js';
import { tokenAudiences } from '../../tokens/audiences.js';

const INACTIVE = Object.freeze({ active: false });
/** RFC 9701 4: the media subtype of a JWT introspection response, also its `typ`. */
const INTROSPECTION_JWT_TYPE = 'token-introspection+jwt';

function wantsJwt(accept: string | undefined): boolean {
  return accept !== undefined && accept.split(',').some((type) => type.trim().split(';')[0]!.trim().toLowerCase() === `application/${INTROSPECTION_JWT_TYPE}`);
}

/** Who asks: an app sees the tokens issued to it; a registered API the access tokens naming it in `aud`. */
type Introspector = { kind: 'app'; clientId: string; allowRefreshTokens: boolean } | { kind: 'api'; audience: string };

/**
 * POST {issuer}/connect/introspect (RFC 7662), for confidential apps and registered APIs. An app sees only
 * tokens issued to itself as active; a registered API (authenticating with its audience and secret) sees
 * the access tokens whose `aud` includes it. Anything else answers {"active": false}, like an expired,
 * revoked, unknown or malformed token, so introspection never reveals other parties' tokens.
 */
export function registerIntrospection(app: FastifyInstance, ctx: AppContext): void {
  app.post('/connect/introspect', async (request, reply) => {
    const form = readForm(request);
    const { api } = await authenticateApi(ctx, request, form);
    let introspector: Introspector;
    if (api) {
      introspector = { kind: 'api', audience: api.api.audience };
    } else {
      const client = await authenticateClient(ctx, request, form);
      if (client.app.clientType !== 'confidential') {
        throw invalidClient('public apps cannot introspect tokens: introspection is for confidential apps that authenticate with a secret');
      }
      introspector = { kind: 'app', clientId: client.app.clientId, allowRefreshTokens: client.app.allowRefreshTokens };
    }
    const token = form.get('token');
    if (token === undefined) throw invalidRequest('token is required');
    const body = token.length > MAX_TOKEN_LENGTH ? INACTIVE : await introspect(ctx, introspector, token);
    setNoStore(reply);
    if (introspector.kind === 'api' && wantsJwt(request.headers.accept)) {
      // RFC 9701: the answer signed by the issuer, for the API that asked
      const iat = Math.floor(ctx.now() / 1000);
      const claims = { iss: ctx.config.issuer, aud: introspector.audience, iat, token_introspection: body };
      const key = await ctx.keys.current(ctx.config.signingAlg);
      const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader({ alg: key.alg, typ: INTROSPECTION_JWT_TYPE, kid: key.kid })
        .sign(key.privateKey);
      return reply.type(`application/${INTROSPECTION_JWT_TYPE}`).send(jwt);
    }
    return reply.send(body);
  });
  registerMethodNotAllowed(app, '/connect/introspect', ['POST']);
}

async function introspect(ctx: AppContext, introspector: Introspector, token: string): Promise<object> {
  if (looksLikeJwt(token)) {
    const claims = await accessTokenVerifier(ctx)
      .verify(token)
      .catch(() => undefined);
    if (!claims) return INACTIVE;
    if (introspector.kind === 'app' && claims.client_id !== introspector.clientId) return INACTIVE;
    if (introspector.kind === 'api' && !(Array.isArray(claims.aud) ? claims.aud : [claims.aud]).includes(introspector.audience)) {
      return INACTIVE;
    }
    const user = await ctx.store.users.getById(claims.sub);
    if (!user || !user.enabled) return INACTIVE;
    if (introspector.kind === 'api') {
      // what the revocation feed tells the APIs holds here too: a disabled app, an ended session
      const issuer = await ctx.clients.get(claims.client_id);
      if (!issuer || !issuer.app.enabled) return INACTIVE;
    }
    const refused = await ctx.store.revocationEvents.refuses(
      { jti: claims.jti, sid: claims.sid, sub: claims.sub, clientId: claims.client_id, issuedAt: claims.iat * 1000 },
      ctx.now(),
    );
    if (refused) return INACTIVE;
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
  const hash = sha256(token);
  const reference = await ctx.store.referenceTokens.findByHash(hash);
  if (reference) return introspectReference(ctx, introspector, reference);
  // refresh tokens are for the app they were issued to; an API never sees one
  if (introspector.kind === 'api') return INACTIVE;
  const clientId = introspector.clientId;
  const found = await ctx.store.refresh.find(hash);
  if (!found || found.family.clientId !== clientId) return INACTIVE;
  const { token: record, family } = found;
  if (!isRefreshTokenActive(record, family, ctx.now())) return INACTIVE;
  const user = await ctx.store.users.getById(family.userId);
  const app = (await ctx.clients.get(clientId))?.app;
  if (!app || !introspector.allowRefreshTokens || grantProblem(app, user, record.scope)) return INACTIVE;
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

/**
 * A long-lived reference token: active while it is not revoked or expired, its user and app are enabled,
 * the app still allows reference tokens and the scopes. Its audience follows from its scopes, as for a
 * JWT; the app it was issued to, and the registered APIs in that audience, see it.
 */
async function introspectReference(ctx: AppContext, introspector: Introspector, reference: ReferenceToken): Promise<object> {
  if (!isReferenceTokenActive(reference, ctx.now())) return INACTIVE;
  if (introspector.kind === 'app' && reference.clientId !== introspector.clientId) return INACTIVE;
  const audiences = await tokenAudiences(ctx, reference.scope);
  if (introspector.kind === 'api' && !audiences.includes(introspector.audience)) return INACTIVE;
  const app = (await ctx.clients.get(reference.clientId))?.app;
  const user = await ctx.store.users.getById(reference.userId);
  if (!app || !app.enabled || app.accessTokens === 'none' || grantProblem(app, user, reference.scope)) return INACTIVE;
  return {
    active: true,
    scope: reference.scope.join(' '),
    client_id: reference.clientId,
    username: user!.login,
    token_type: 'Bearer',
    exp: Math.floor(reference.expiresAt / 1000),
    iat: Math.floor(reference.createdAt / 1000),
    nbf: Math.floor(reference.createdAt / 1000),
    sub: reference.userId,
    aud: audienceClaim(audiences),
    iss: ctx.config.issuer,
    jti: reference.id,
    user_kind: user!.kind,
  };
}
