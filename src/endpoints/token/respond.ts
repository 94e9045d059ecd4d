import type { AppContext } from '../../context.js';
import type { TokenResponse } from '../../grants/grant.js';
import { authorizationCodeGrant } from '../../grants/authorization-code.js';
import { refreshTokenGrant } from '../../grants/refresh-token.js';
import { clientCredentialsGrant } from '../../grants/client-credentials.js';
import type { ValidatedTokenRequest } from './validate.js';

/** Issues the tokens for a validated request: the only step of the token endpoint that writes. */
export function respondToTokenRequest(ctx: AppContext, validated: ValidatedTokenRequest): Promise<TokenResponse> {
  switch (validated.grantType) {
    case 'authorization_code':
      return authorizationCodeGrant.issue(ctx, validated.request);
    case 'refresh_token':
      return refreshTokenGrant.issue(ctx, validated.request);
    case 'client_credentials':
      return clientCredentialsGrant.issue(ctx, validated.request);
  }
}
