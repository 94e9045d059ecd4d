import type { AppContext } from '../context.js';
import type { TokenGrant } from '../domain/token-claims.js';
import { checkClientCredentials } from '../checks/client-auth.js';
import { authorizationCodeGrant } from '../grants/authorization-code.js';

/**
 * Redeems the authorization code of one of Trustgate's own public apps (the account area, the console)
 * in-process, through the real authorization_code grant (single use, PKCE-verified, redirect URI bound),
 * and returns what it granted. The tokens are not needed: these pages work on the SSO session, which must
 * be the one the code was issued for.
 */
export async function redeemFirstPartyCode(
  ctx: AppContext,
  clientId: string,
  redirectUri: string,
  code: string,
  verifier: string,
): Promise<TokenGrant> {
  const client = checkClientCredentials({ clientId, secret: undefined, assertion: undefined, method: 'none', challenge: undefined }, await ctx.clients.get(clientId), ctx.now());
  const form = new Map([
    ['code', code],
    ['redirect_uri', redirectUri],
    ['code_verifier', verifier],
  ]);
  const validated = await authorizationCodeGrant.validate(ctx, client, form);
  await authorizationCodeGrant.issue(ctx, validated); // consumes the code; the tokens are thrown away
  return validated.grant;
}
