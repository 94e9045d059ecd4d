import type { AppContext } from '../context.js';
import type { AuthenticatedClient } from '../checks/client-auth.js';
import type { FormParams } from '../context.js';
import type { TokenGrant } from '../domain/token-claims.js';
import type { RefreshFamily } from '../domain/refresh-family.js';
import type { AuthorizationCodeRecord } from '../domain/authorization-code.js';
import { familyExpiresAt } from '../domain/refresh-family.js';
import { invalidGrant, invalidRequest } from '../errors/oauth-error.js';
import { codeBindingProblem } from '../checks/code-binding.js';
import { randomId, randomToken, sha256 } from '../tokens/opaque.js';
import { mintTokens } from '../tokens/mint.js';
import { grantProblem } from './subject-checks.js';
import type { CodesStore } from '../stores/codes.js';
import { revokeIssuedFromCode } from './replay.js';
import type { GrantHandler, TokenRequestProof, TokenResponse } from './grant.js';

export interface ValidatedCodeRequest {
  readonly client: AuthenticatedClient;
  readonly codeHash: string;
  readonly grant: TokenGrant;
  readonly nonce: string | null;
  /** when the user authorized the app (the family's lifetime counts from here) */
  readonly authorizedAt: number;
  readonly withRefreshToken: boolean;
  /** the DPoP key the tokens are bound to (RFC 9449); undefined: bearer tokens */
  readonly dpopJkt: string | undefined;
}

const MAX_CODE_LENGTH = 512;
const UNKNOWN_CODE = 'authorization code is invalid or unknown';

class LostClaim extends Error {}

/** grant_type=authorization_code (RFC 6749 4.1.3, RFC 7636 4.6, OpenID Connect Core 3.1.3). */
export const authorizationCodeGrant: GrantHandler<ValidatedCodeRequest> = {
  type: 'authorization_code',

  async validate(ctx: AppContext, client: AuthenticatedClient, form: FormParams, proof: TokenRequestProof = {}): Promise<ValidatedCodeRequest> {
    const code = form.get('code');
    if (code === undefined) throw invalidRequest('code is required');
    const redirectUri = form.get('redirect_uri');
    if (redirectUri === undefined) {
      throw invalidRequest('redirect_uri is required: send the redirect_uri of the authorization request');
    }
    const verifier = form.get('code_verifier');
    if (code.length > MAX_CODE_LENGTH) throw invalidGrant(UNKNOWN_CODE);

    const codeHash = sha256(code);
    // the code and its user in one read (the user is undefined when they no longer exist)
    const found = await ctx.store.codes.getWithUser(codeHash);
    if (!found) throw invalidGrant(UNKNOWN_CODE);
    const { code: record, user } = found;
    if (record.consumedAt !== null) return refuseReplay(ctx, record, client, redirectUri, verifier);
    if (record.clientId !== client.app.clientId) {
      throw invalidGrant('authorization code was issued to another client', { detail: `issued to ${record.clientId}` });
    }
    if (ctx.now() >= record.expiresAt) throw invalidGrant('authorization code expired');
    const mismatch = codeBindingProblem(record, client.app.clientType, redirectUri, verifier);
    if (mismatch) throw invalidGrant(mismatch);

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
      dpopJkt: proof.dpopJkt,
    });
  },

  async issue(ctx: AppContext, request: ValidatedCodeRequest): Promise<TokenResponse> {
    const { app } = request.client;
    const minted = await mintTokens(ctx, request.grant, { app, nonce: request.nonce, dpopJkt: request.dpopJkt });
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
          // RFC 9449 5: a public app's refresh tokens are bound to its DPoP key (a confidential app's are
          // bound to its client authentication already)
          dpopJkt: app.clientType === 'public' ? request.dpopJkt ?? null : null,
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
            graceUntil: null,
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
      // another request redeemed the code first: this one is a replay (RFC 6749 4.1.2). It passed
      // validate() (the code's own client, redirect_uri and PKCE verifier), so it may revoke.
      await revokeIssuedFromCode(ctx, request.codeHash);
      throw invalidGrant('authorization code was already used');
    }

    const response: TokenResponse = {
      access_token: minted.accessToken,
      token_type: request.dpopJkt ? 'DPoP' : 'Bearer',
      expires_in: minted.expiresIn,
      scope: request.grant.scope.join(' '),
    };
    if (refreshToken) response.refresh_token = refreshToken;
    if (minted.idToken) response.id_token = minted.idToken;
    return response;
  },
};

/**
 * A code that was already redeemed (RFC 6749 4.1.2): the replay revokes what the code issued, but only
 * when it is presented as a redemption would be (by the code's own client, with its redirect_uri and
 * PKCE verifier). Anyone else who saw a used code (a public app authenticates with its client_id
 * alone) gets the answer an unknown code gets, and nothing changes.
 */
async function refuseReplay(
  ctx: AppContext,
  record: AuthorizationCodeRecord,
  client: AuthenticatedClient,
  redirectUri: string,
  verifier: string | undefined,
): Promise<never> {
  const problem = record.clientId !== client.app.clientId
    ? `issued to ${record.clientId}`
    : codeBindingProblem(record, client.app.clientType, redirectUri, verifier);
  if (problem) throw invalidGrant(UNKNOWN_CODE, { detail: `a used code was presented again without its binding: ${problem}` });
  await revokeIssuedFromCode(ctx, record.codeHash);
  throw invalidGrant('authorization code was already used');
}
