import type { AppContext } from '../context.js';
import type { AuthenticatedClient } from '../checks/client-auth.js';
import type { FormParams } from '../context.js';

/** The JSON body of a successful token response (RFC 6749 5.1, OpenID Connect Core 3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  /** DPoP when the access token is bound to the key of the request's DPoP proof (RFC 9449 5) */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

/** What the token request proved beyond its form: the key of a verified DPoP proof (RFC 9449). */
export interface TokenRequestProof {
  /** JWK SHA-256 thumbprint of the DPoP proof's key; undefined: no DPoP proof */
  readonly dpopJkt?: string;
}

/**
 * A grant type: `validate()` reads and checks everything (no writes except an explicit revocation on
 * replay) and returns a frozen validated request; `issue()` mints the tokens and performs the atomic
 * claim (code consumption or refresh rotation) in one store transaction.
 */
export interface GrantHandler<Validated> {
  readonly type: string;
  validate(ctx: AppContext, client: AuthenticatedClient, form: FormParams, proof?: TokenRequestProof): Promise<Validated>;
  issue(ctx: AppContext, validated: Validated): Promise<TokenResponse>;
}
