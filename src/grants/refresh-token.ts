import type { AppContext } from '../context.js';
import type { AuthenticatedClient } from '../checks/client-auth.js';
import type { FormParams } from '../context.js';
import type { TokenGrant } from '../domain/token-claims.js';
import { graceUntil, judgeRefreshToken, REFRESH_REFUSED, type RefreshTokenRecord } from '../domain/refresh-family.js';
import { invalidGrant, invalidRequest, invalidScope } from '../errors/oauth-error.js';
import { randomToken, sha256 } from '../tokens/opaque.js';
import { mintTokens } from '../tokens/mint.js';
import { grantProblem, parseScopeParameter } from './subject-checks.js';
import { revokeFamily } from './replay.js';
import type { GrantHandler, TokenRequestProof, TokenResponse } from './grant.js';

export interface ValidatedRefreshRequest {
  readonly client: AuthenticatedClient;
  readonly presentedHash: string;
  readonly familyId: string;
  /** 'grace': the token was rotated moments ago and comes again within its window (a sibling successor) */
  readonly mode: 'rotate' | 'grace';
  /** the DPoP key the new tokens are bound to; undefined: bearer tokens */
  readonly dpopJkt: string | undefined;
  /** the presented token's scope: its successor carries the same (RFC 6749 6) */
  readonly tokenScope: string[];
  /** the scope of the new access token (equal to or narrower than tokenScope) */
  readonly grant: TokenGrant;
}

const MAX_TOKEN_LENGTH = 512;
const refused = (reason: string) => invalidGrant(`${REFRESH_REFUSED}: ${reason}`);

/**
 * grant_type=refresh_token (RFC 6749 6) with rotation and reuse detection (RFC 9700 4.14.2): every
 * refresh returns a new refresh token and consumes the presented one; a consumed token presented again
 * revokes the whole family — unless it comes within the reuse grace window after its rotation (two tabs,
 * a lost response): then it yields a sibling successor, and the next rotation of any of the siblings
 * retires the others (docs/refresh-tokens.md).
 */
export function refreshReuseGraceSeconds(ctx: AppContext, app: { refreshReuseGraceSeconds: number | null }): number {
  return app.refreshReuseGraceSeconds ?? ctx.config.refreshReuseGraceSeconds;
}

export const refreshTokenGrant: GrantHandler<ValidatedRefreshRequest> = {
  type: 'refresh_token',

  async validate(ctx: AppContext, client: AuthenticatedClient, form: FormParams, proof: TokenRequestProof = {}): Promise<ValidatedRefreshRequest> {
    const presented = form.get('refresh_token');
    if (presented === undefined) throw invalidRequest('refresh_token is required');
    const rawScope = form.get('scope');
    const requested = rawScope === undefined ? undefined : parseScopeParameter(rawScope);
    if (rawScope !== undefined && requested === undefined) throw invalidScope('the scope parameter contains invalid characters');
    if (presented.length > MAX_TOKEN_LENGTH) throw refused('the refresh token is unknown');

    const presentedHash = sha256(presented);
    // the token, its family and its user in one read: the user's state (disabled, deleted, its kind) is
    // judged from this request's read, as before, only without a second round trip
    const found = await ctx.store.refresh.findWithUser(presentedHash);
    const decision = judgeRefreshToken(found?.token, found?.family, client.app.clientId, ctx.now());
    if (decision.kind === 'refused') throw refused(decision.reason);
    const { token, family, user } = found!;
    if (decision.kind === 'reuse') {
      await revokeFamily(ctx, family.id, 'reuse');
      throw refused('the refresh token was already used; every token of this sign-in is now revoked, sign the user in again');
    }

    // RFC 9449 5.0: a DPoP-bound refresh token works only with a proof made with its key (a thief who
    // copied the token without the key gets nothing; the family is left alone)
    if (family.dpopJkt !== null && proof.dpopJkt !== family.dpopJkt) {
      throw refused(
        proof.dpopJkt === undefined
          ? 'the refresh token is bound to a DPoP key: send a DPoP proof made with that key'
          : 'the DPoP proof was made with another key than the one the refresh token is bound to',
      );
    }
    if (!client.app.allowRefreshTokens) throw refused('the app no longer allows refresh tokens');
    const problem = grantProblem(client.app, user, token.scope);
    if (problem) throw refused(problem);

    const scope = requested && requested.length > 0 ? requested : token.scope;
    const widened = scope.filter((value) => !token.scope.includes(value));
    if (widened.length > 0) {
      throw invalidScope(
        `a refresh can only narrow the scope: ${widened.map((v) => `"${v}"`).join(', ')} was not granted to this refresh token`,
      );
    }

    return Object.freeze({
      client,
      presentedHash,
      familyId: family.id,
      mode: decision.kind === 'grace' ? 'grace' : 'rotate',
      dpopJkt: proof.dpopJkt,
      tokenScope: token.scope,
      grant: Object.freeze({
        clientId: client.app.clientId,
        user: user!,
        scope,
        sid: family.sid,
        authTime: family.authTime,
        amr: family.amr,
      }),
    });
  },

  async issue(ctx: AppContext, request: ValidatedRefreshRequest): Promise<TokenResponse> {
    const { app } = request.client;
    // OpenID Connect Core 12.2: a refreshed ID token carries no nonce
    const minted = await mintTokens(ctx, request.grant, { app, nonce: null, dpopJkt: request.dpopJkt });
    const now = ctx.now();
    const refreshToken = randomToken(32);
    const next: RefreshTokenRecord = {
      tokenHash: sha256(refreshToken),
      familyId: request.familyId,
      scope: request.tokenScope,
      createdAt: now,
      consumedAt: null,
      accessJti: minted.jti,
      accessExpiresAt: minted.accessExpiresAt,
      graceUntil: null,
    };
    // one atomic step: a concurrent request may have rotated the token since it was judged, then its window
    // decides (a token judged within its window is only re-issued)
    const outcome =
      request.mode === 'rotate'
        ? await ctx.store.refresh.rotateOrReissue(request.presentedHash, next, now, graceUntil(now, refreshReuseGraceSeconds(ctx, app)))
        : (await ctx.store.refresh.reissueWithinGrace(request.presentedHash, next, now)) ? 'reissued' : 'lost';
    if (outcome === 'lost') {
      // another request rotated this token first and it has no open grace window (or the family was just
      // revoked): a reuse
      await revokeFamily(ctx, request.familyId, 'reuse');
      throw refused('the refresh token was already used; every token of this sign-in is now revoked, sign the user in again');
    }

    const response: TokenResponse = {
      access_token: minted.accessToken,
      token_type: request.dpopJkt ? 'DPoP' : 'Bearer',
      expires_in: minted.expiresIn,
      scope: request.grant.scope.join(' '),
      refresh_token: refreshToken,
    };
    if (minted.idToken) response.id_token = minted.idToken;
    return response;
  },
};
