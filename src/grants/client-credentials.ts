import type { AppContext, FormParams } from '../context.js';
import type { AuthenticatedClient } from '../checks/client-auth.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import { ADMIN_SCOPE, PROTOCOL_SCOPES } from '../domain/trusted-application.js';
import type { User } from '../domain/user.js';
import { invalidClient, invalidScope, unauthorizedClient, unsupportedGrantType } from '../errors/oauth-error.js';
import { mintServiceAccessToken } from '../tokens/mint.js';
import { parseScopeParameter } from './subject-checks.js';
import type { GrantHandler, TokenRequestProof, TokenResponse } from './grant.js';

export interface ValidatedClientCredentialsRequest {
  readonly app: TrustedApplication;
  readonly systemUser: User;
  readonly scope: readonly string[];
  /** the key of the request's DPoP proof: the access token is bound to it (RFC 9449 5) */
  readonly dpopJkt: string | undefined;
}

/**
 * grant_type=client_credentials (RFC 6749 4.4) for service apps: the app acts as its system user (the
 * seed's SystemUser). The app and the user are read from the store, not the client cache, so disabling
 * either stops issuance at the next request on every node. The token carries the system user as `sub`
 * and its kind; scopes are the app's API scopes (all of them, or the ones asked for); there is no refresh
 * token and no ID token.
 */
export const clientCredentialsGrant: GrantHandler<ValidatedClientCredentialsRequest> = {
  type: 'client_credentials',

  async validate(ctx: AppContext, client: AuthenticatedClient, form: FormParams, proof: TokenRequestProof = {}): Promise<ValidatedClientCredentialsRequest> {
    const cached = client.app;
    if (cached.clientType === 'public') {
      // the seed's "Grant type not allowed": a public app is interactive only, it can never act as a service
      throw unsupportedGrantType(
        'grant_type "client_credentials" is not allowed for public apps; interactive apps use authorization_code and refresh_token',
      );
    }
    const app = await ctx.store.apps.get(cached.clientId);
    // deleted on another node since this node cached it
    if (!app) throw invalidClient(`no Trusted Application is registered with client_id "${cached.clientId}"`);
    if (!app.enabled) {
      throw unauthorizedClient(`the app "${cached.clientId}" is disabled; ask an administrator to enable it`);
    }
    if (!app.systemUserId) {
      throw unauthorizedClient(
        `the app "${app.clientId}" has no system user, so it cannot use client_credentials; an administrator gives it one with app update --system-user <login>`,
      );
    }
    const systemUser = await ctx.store.users.getById(app.systemUserId);
    if (!systemUser) throw unauthorizedClient(`the system user of the app "${app.clientId}" no longer exists; ask an administrator to set another`);
    if (!systemUser.enabled) throw unauthorizedClient(`the system user of the app "${app.clientId}" is disabled; ask an administrator to enable it`);

    const rawScope = form.get('scope');
    const requested = rawScope === undefined ? undefined : parseScopeParameter(rawScope);
    if (rawScope !== undefined && requested === undefined) throw invalidScope('the scope parameter contains invalid characters');
    const scope = requested && requested.length > 0 ? requested : app.scopes;
    for (const value of scope) {
      if (value === ADMIN_SCOPE) {
        // automation through the admin API: only apps allowed it, acting as a system user who is an administrator
        if (app.adminApi !== true) throw invalidScope(`the scope "${ADMIN_SCOPE}" is not allowed: this app is not allowed to call the admin API`);
        if (!systemUser.isAdmin) throw invalidScope(`the scope "${ADMIN_SCOPE}" is only granted to administrators: the app's system user is not one`);
        continue;
      }
      if ((PROTOCOL_SCOPES as readonly string[]).includes(value)) {
        throw invalidScope(`"${value}" cannot be requested with client_credentials: a service app gets an access token for the APIs only (no ID token, no refresh token)`);
      }
      if (!app.scopes.includes(value)) {
        throw invalidScope(`the scope "${value.slice(0, 100)}" is not allowed for the app "${app.clientId}"; it may request: ${app.scopes.join(' ')}`);
      }
    }
    if (scope.length === 0) throw invalidScope(`the app "${app.clientId}" has no API scopes to grant; an administrator gives it some with app update --scope`);
    return Object.freeze({ app, systemUser, scope: Object.freeze([...scope]), dpopJkt: proof.dpopJkt });
  },

  async issue(ctx: AppContext, request: ValidatedClientCredentialsRequest): Promise<TokenResponse> {
    const minted = await mintServiceAccessToken(
      ctx,
      { clientId: request.app.clientId, user: request.systemUser, scope: request.scope },
      request.app,
      request.dpopJkt,
    );
    await ctx.audit.record({
      actor: `app:${request.app.clientId}`,
      action: 'service_token_issued',
      target: { type: 'user', id: request.systemUser.id },
      clientId: request.app.clientId,
      userId: request.systemUser.id,
      details: { jti: minted.jti, scope: request.scope.join(' ') },
      message: 'client_credentials access token issued',
    });
    return { access_token: minted.accessToken, token_type: request.dpopJkt ? 'DPoP' : 'Bearer', expires_in: minted.expiresIn, scope: request.scope.join(' ') };
  },
};
