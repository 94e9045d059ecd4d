import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { authenticateClient } from '../../checks/client-auth.js';
import { invalidRequest, unsupportedGrantType } from '../../errors/oauth-error.js';
import { authorizationCodeGrant } from '../../grants/authorization-code.js';
import { refreshTokenGrant } from '../../grants/refresh-token.js';
import type { GrantHandler } from '../../grants/grant.js';
import type { FormParams } from '../../context.js';

const GRANTS: Record<string, GrantHandler<unknown>> = {
  authorization_code: authorizationCodeGrant as GrantHandler<unknown>,
  refresh_token: refreshTokenGrant as GrantHandler<unknown>,
};

export interface ValidatedTokenRequest {
  handler: GrantHandler<unknown>;
  validated: unknown;
}

/** Token request → grant handler + its validated request, or an OAuthError. */
export async function validateTokenRequest(
  ctx: AppContext,
  request: FastifyRequest,
  form: FormParams,
): Promise<ValidatedTokenRequest> {
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw invalidRequest('grant_type is required');
  const handler = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  const client = await authenticateClient(ctx, request, form);
  if (!handler) {
    throw unsupportedGrantType(
      `grant_type "${grantType.replace(/[^\x20-\x7e]/g, '?').slice(0, 100)}" is not supported; interactive apps use authorization_code and refresh_token`,
    );
  }
  return { handler, validated: await handler.validate(ctx, client, form) };
}
