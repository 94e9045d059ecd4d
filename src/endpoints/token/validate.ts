import type { AppContext, FormParams } from '../../context.js';
import type { AuthenticatedClient } from '../../checks/client-auth.js';
import { invalidRequest, unsupportedGrantType } from '../../errors/oauth-error.js';
import { authorizationCodeGrant, type ValidatedCodeRequest } from '../../grants/authorization-code.js';
import { refreshTokenGrant, type ValidatedRefreshRequest } from '../../grants/refresh-token.js';
import type { TokenRequestProof } from '../../grants/grant.js';
import { clientCredentialsGrant, type ValidatedClientCredentialsRequest } from '../../grants/client-credentials.js';

/** A token request that passed every check, typed by its grant: what respond.ts issues tokens for. */
export type ValidatedTokenRequest =
  | { readonly grantType: 'authorization_code'; readonly request: ValidatedCodeRequest }
  | { readonly grantType: 'refresh_token'; readonly request: ValidatedRefreshRequest }
  | { readonly grantType: 'client_credentials'; readonly request: ValidatedClientCredentialsRequest };

export type GrantType = ValidatedTokenRequest['grantType'];

const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];

function isGrantType(value: string): value is GrantType {
  return (GRANT_TYPES as readonly string[]).includes(value);
}

/**
 * Token request → its validated, typed form, or an OAuthError. grant_type is required before anything
 * else; the client authenticates before an unsupported grant type is named (RFC 6749 5.2).
 */
export async function validateTokenRequest(
  ctx: AppContext,
  form: FormParams,
  authenticate: () => Promise<AuthenticatedClient>,
  proof: TokenRequestProof = {},
): Promise<ValidatedTokenRequest> {
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw invalidRequest('grant_type is required');
  const client = await authenticate();
  if (client.app.requireDpop && proof.dpopJkt === undefined) {
    throw invalidRequest(`the app "${client.app.clientId}" must prove possession of a key: send a DPoP proof in the DPoP header (RFC 9449)`);
  }
  if (!isGrantType(grantType)) {
    throw unsupportedGrantType(
      `grant_type "${grantType.replace(/[^\x20-\x7e]/g, '?').slice(0, 100)}" is not supported; interactive apps use authorization_code and refresh_token`,
    );
  }
  switch (grantType) {
    case 'authorization_code':
      return Object.freeze({ grantType, request: await authorizationCodeGrant.validate(ctx, client, form, proof) });
    case 'refresh_token':
      return Object.freeze({ grantType, request: await refreshTokenGrant.validate(ctx, client, form, proof) });
    case 'client_credentials':
      return Object.freeze({ grantType, request: await clientCredentialsGrant.validate(ctx, client, form, proof) });
  }
}
