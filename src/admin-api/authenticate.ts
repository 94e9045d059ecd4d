import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ADMIN_SCOPE } from '../domain/trusted-application.js';
import { CONSOLE_CLIENT_ID } from '../domain/built-in-apps.js';
import { AccessTokenRejected, accessTokenVerifier } from '../tokens/access-token-verifier.js';
import { ApiProblem } from './problem.js';

import type { AdminActor } from '../admin/admin-deps.js';
export type { AdminActor } from '../admin/admin-deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    adminActor?: AdminActor;
  }
}

function challenge(ctx: AppContext, error?: { code: string; description: string }): string {
  const realm = `Bearer realm="${ctx.config.issuer}/admin/api/v1"`;
  if (!error) return `${realm}, scope="${ADMIN_SCOPE}"`;
  return `${realm}, error="${error.code}", error_description="${error.description.replace(/["\\]/g, "'")}", scope="${ADMIN_SCOPE}"`;
}

function unauthenticated(ctx: AppContext, detail: string, withError = true): ApiProblem {
  return new ApiProblem(401, 'unauthenticated', detail, {
    wwwAuthenticate: withError ? challenge(ctx, { code: 'invalid_token', description: detail }) : challenge(ctx),
  });
}

function forbidden(ctx: AppContext, reason: string, detail: string): ApiProblem {
  return new ApiProblem(403, reason, detail, { wwwAuthenticate: challenge(ctx, { code: 'insufficient_scope', description: detail }) });
}

/**
 * The caller of the admin API: an access token this server issued (RFC 6750 Authorization header only —
 * never a cookie, a query parameter or a form field) with the scope `trustgate:admin`, to an app that is
 * enabled and allowed the admin API (`adminApi`, or the built-in console), for a user who is enabled and an
 * administrator *now* (checked on every call: taking the flag away, disabling the user or the app, or
 * revoking the token takes effect at once).
 */
export async function authenticateAdmin(ctx: AppContext, request: FastifyRequest): Promise<AdminActor> {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && Object.hasOwn(query, 'access_token')) {
    throw unauthenticated(ctx, 'send the access token in the Authorization header, never in the URL');
  }
  const header = request.headers.authorization;
  if (header === undefined) {
    throw unauthenticated(ctx, 'an access token with the scope trustgate:admin is required: send "Authorization: Bearer <token>"', false);
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw unauthenticated(ctx, 'the Authorization header must be "Bearer <access token>"');
  let claims;
  try {
    claims = await accessTokenVerifier(ctx).verify(match[1]!);
  } catch (error) {
    if (error instanceof AccessTokenRejected) throw unauthenticated(ctx, error.message);
    throw error;
  }
  if (!claims.scope.split(' ').includes(ADMIN_SCOPE)) {
    throw forbidden(ctx, 'insufficient_scope', `the access token lacks the scope "${ADMIN_SCOPE}" the admin API needs`);
  }
  const app = await ctx.store.apps.get(claims.client_id);
  if (!app || !app.enabled || (app.adminApi !== true && app.clientId !== CONSOLE_CLIENT_ID)) {
    throw forbidden(ctx, 'app_not_allowed', `the app "${claims.client_id}" is not allowed to call the admin API`);
  }
  const user = await ctx.store.users.getById(claims.sub);
  if (!user || !user.enabled) throw unauthenticated(ctx, 'the user of the access token no longer exists or is disabled');
  if (!user.isAdmin) throw forbidden(ctx, 'not_an_administrator', `the user "${user.login}" is not an administrator`);
  // a service app's token (client_credentials: no sign-in session behind it) acts as the app itself
  const service = (claims as { sid?: unknown }).sid === undefined && app.systemUserId === user.id;
  return { id: service ? `app:${app.clientId}` : `user:${user.id}`, userId: user.id, login: user.login, clientId: app.clientId };
}
