import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { AuthorizationRequest } from '../domain/interaction.js';
import type { Session } from '../domain/session.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import type { User } from '../domain/user.js';
import { randomToken, sha256 } from '../tokens/opaque.js';
import { deliverToApp } from './deliver.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';

/**
 * Mints the authorization code (256 random bits, stored only as its SHA-256, single use, short-lived,
 * bound to app, redirect URI, PKCE challenge, scopes, nonce, user, sid, auth_time and amr) and sends
 * it to the app with state and iss (RFC 9207).
 */
export async function issueCode(
  ctx: AppContext,
  reply: FastifyReply,
  app: TrustedApplication,
  req: AuthorizationRequest,
  user: User,
  session: Session,
): Promise<FastifyReply> {
  const now = ctx.now();
  const code = randomToken(32);
  await ctx.store.codes.insert({
    codeHash: sha256(code),
    clientId: app.clientId,
    userId: user.id,
    redirectUri: req.redirectUri,
    scope: req.scope,
    codeChallenge: req.codeChallenge,
    codeChallengeMethod: req.codeChallengeMethod,
    nonce: req.nonce,
    sid: session.sid,
    authTime: session.authTime,
    amr: session.amr,
    createdAt: now,
    expiresAt: now + ctx.config.authorizationCodeLifetimeSeconds * 1000,
    consumedAt: null,
    issuedFamilyId: null,
    issuedAccessJti: null,
    issuedAccessExpiresAt: null,
  });
  await ctx.audit.record({
    actor: `user:${user.id}`,
    action: 'code_issued',
    clientId: app.clientId,
    userId: user.id,
    sourceAddress: reply.request.ip,
    // the redirect URI used and whether PKCE was: `trustgate app lint` reads them (unused redirect URIs,
    // confidential apps without PKCE); never the code or its challenge
    details: { sid: session.sid, redirectUri: req.redirectUri, pkce: req.codeChallenge !== null, scope: req.scope.join(' ') },
    message: 'authorization code issued',
  });
  return deliverToApp(
    reply,
    req.redirectUri,
    req.responseMode,
    { code, state: req.state, iss: ctx.config.issuer },
    app.displayName,
    ctx.config.instanceName,
    stylesheetPath(ctx.config),
  );
}
