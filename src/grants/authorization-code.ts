import type { AppContext } from '../context.js';
import type { AuthenticatedClient } from '../checks/client-auth.js';
import type { FormParams } from '../context.js';
import type { TokenGrant } from '../domain/token-claims.js';
import type { RefreshFamily } from '../domain/refresh-family.js';
import { familyExpiresAt } from '../domain/refresh-family.js';
import { invalidGrant, invalidRequest } from '../errors/oauth-error.js';
import { isWellFormedVerifier, verifierMatchesChallenge } from '../checks/pkce-verifier.js';
import { randomId, randomToken, sha256 } from '../tokens/opaque.js';
import { mintTokens } from '../tokens/mint.js';
import { grantProblem } from './subject-checks.js';
import type { CodesStore } from '../stores/codes.js';
import { revokeIssuedFromCode } from './replay.js';
import type { GrantHandler, TokenResponse } from './grant.js';

export interface ValidatedCodeRequest {
  readonly client: AuthenticatedClient;
  readonly codeHash: string;
  readonly grant: TokenGrant;
  readonly nonce: string | null;
  /** when the user authorized the app (the family's lifetime counts from here) */
  readonly authorizedAt: number;
  readonly withRefreshToken: boolean;
}

const MAX_CODE_LENGTH = 512;

class LostClaim extends Error {}

/** grant_type=authorization_code (RFC 6749 4.1.3, RFC 7636 4.6, OpenID Connect Core 3.1.3). */
export const authorizationCodeGrant: GrantHandler<ValidatedCodeRequest> = {
  type: 'authorization_code',

  async validate(ctx: AppContext, client: AuthenticatedClient, form: FormParams): Promise<ValidatedCodeRequest> {
    const code = form.get('code');
    if (code === undefined) throw invalidRequest('code is required');
    const redirectUri = form.get('redirect_uri');
    if (redirectUri === undefined) {
      throw invalidRequest('redirect_uri is required: send the redirect_uri of the authorization request');
    }
    const verifier = form.get('code_verifier');
    if (code.length > MAX_CODE_LENGTH) throw invalidGrant('authorization code is invalid or unknown');

    const codeHash = sha256(code);
    const record = await ctx.store.codes.get(codeHash);
    if (!record) throw invalidGrant('authorization code is invalid or unknown');
    if (record.clientId !== client.app.clientId) {
      throw invalidGrant('authorization code was issued to another client', { detail: `issued to ${record.clientId}` });
    }
    if (record.consumedAt !== null) {
      await revokeIssuedFromCode(ctx, codeHash);
      throw invalidGrant('authorization code was already used');
    }
    if (ctx.now() >= record.expiresAt) throw invalidGrant('authorization code expired');
    if (redirectUri !== record.redirectUri) throw invalidGrant('redirect_uri does not match');

    if (record.codeChallenge !== null) {
      if (verifier === undefined) {
        throw invalidGrant('code_verifier is required: the authorization request sent a code_challenge');
      }
      if (!isWellFormedVerifier(verifier)) {
        throw invalidGrant('PKCE verification failed: code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
      }
      if (!verifierMatchesChallenge(verifier, record.codeChallenge)) throw invalidGrant('PKCE verification failed');
    } else if (verifier !== undefined) {
      // RFC 9700 4.8.2: a verifier without a challenge is a PKCE downgrade attempt
      throw invalidGrant('code_verifier was sent but the authorization request had no code_challenge');
    } else if (client.app.clientType === 'public') {
      throw invalidGrant('PKCE is required for public apps: the authorization request had no code_challenge');
    }

    const user = await ctx.store.users.getById(record.userId);
    const problem = grantProblem(client.app, user, record.scope);
    if (problem) throw invalidGrant(`the authorization can no longer be used: ${problem}`);

    return Object.freeze({
      client,
      codeHash,
      grant: Object.freeze({
        clientId: client.app.clientId,
        user: user!,
        scope: record.scope,
        sid: record.sid,
        authTime: record.authTime,
        amr: record.amr,
      }),
      nonce: record.nonce,
      authorizedAt: record.createdAt,
      withRefreshToken: record.scope.includes('offline_access') && client.app.allowRefreshTokens,
    });
  },

  async issue(ctx: AppContext, request: ValidatedCodeRequest): Promise<TokenResponse> {
    const { app } = request.client;
    const minted = await mintTokens(ctx, request.grant, { lifetime: app.accessTokenLifetime, nonce: request.nonce });
    const now = ctx.now();
    const refreshToken = request.withRefreshToken ? randomToken(32) : undefined;
    const family: RefreshFamily | undefined = refreshToken
      ? {
          id: randomId(),
          clientId: app.clientId,
          userId: request.grant.user.id,
          scope: request.grant.scope,
          sid: request.grant.sid,
          authTime: request.grant.authTime,
          amr: request.grant.amr,
          nonce: request.nonce,
          createdAt: now,
          expiresAt: familyExpiresAt(request.authorizedAt, app.refreshTokenLifetime),
          revokedAt: null,
          revokedReason: null,
        }
      : undefined;

    const issued = { familyId: family?.id ?? null, accessJti: minted.jti, accessExpiresAt: minted.accessExpiresAt };
    const claim = (codes: CodesStore) => codes.consumeAndRecord(request.codeHash, now, issued);
    try {
      if (family && refreshToken) {
        await ctx.store.withTransaction(async (stores) => {
          if (!(await claim(stores.codes))) throw new LostClaim();
          await stores.refresh.insertFamily(family, {
            tokenHash: sha256(refreshToken),
            familyId: family.id,
            scope: family.scope,
            createdAt: now,
            consumedAt: null,
            accessJti: minted.jti,
            accessExpiresAt: minted.accessExpiresAt,
          });
        });
      } else if (!(await claim(ctx.store.codes))) {
        // nothing else to write: the claim alone is one atomic statement
        throw new LostClaim();
      }
    } catch (error) {
      if (!(error instanceof LostClaim)) throw error;
      // another request redeemed the code first: this one is a replay (RFC 6749 4.1.2)
      await revokeIssuedFromCode(ctx, request.codeHash);
      throw invalidGrant('authorization code was already used');
    }

    const response: TokenResponse = {
      access_token: minted.accessToken,
      token_type: 'Bearer',
      expires_in: minted.expiresIn,
      scope: request.grant.scope.join(' '),
    };
    if (refreshToken) response.refresh_token = refreshToken;
    if (minted.idToken) response.id_token = minted.idToken;
    return response;
  },
};
