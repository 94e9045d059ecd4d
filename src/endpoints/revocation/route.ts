import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { invalidRequest } from '../../errors/oauth-error.js';
import { authenticateClient } from '../../http/authenticate-client.js';
import { accessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { looksLikeJwt, MAX_TOKEN_LENGTH } from '../../tokens/token-kind.js';
import { sha256 } from '../../tokens/opaque.js';
import { REFERENCE_TOKEN_PREFIX } from '../../domain/reference-token.js';
import { revokeFamily } from '../../grants/replay.js';
import { readForm } from '../../http/form.js';
import { corsHeaders, registerPreflight } from '../../http/cors.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';

/**
 * POST {issuer}/connect/revocation (RFC 7009). A refresh token revokes its whole family (and the access
 * tokens issued in it); an access token goes onto the jti deny list until it would have expired; a
 * reference token (`tgr_…`) of the calling app is revoked, with its revocation-feed entry.
 * Unknown, expired or foreign tokens (another client's) are not touched and still answer 200 (2.2).
 * token_type_hint is only a hint: every kind is searched whatever it says.
 */
export function registerRevocation(app: FastifyInstance, ctx: AppContext): void {
  app.post('/connect/revocation', { onRequest: corsHeaders }, async (request, reply) => {
    const form = readForm(request);
    const client = await authenticateClient(ctx, request, form);
    const token = form.get('token');
    if (token === undefined) throw invalidRequest('token is required');
    const clientId = client.app.clientId;

    if (token.length <= MAX_TOKEN_LENGTH) {
      if (looksLikeJwt(token)) {
        const claims = await accessTokenVerifier(ctx)
          .verifySignatureAndClaims(token)
          .catch(() => undefined);
        if (claims && claims.client_id === clientId) {
          await ctx.store.revokedTokens.add(claims.jti, claims.exp * 1000, ctx.now());
        } else if (claims) {
          request.log.info({ clientId }, 'revocation of another client\'s access token ignored');
        }
      } else if (token.startsWith(REFERENCE_TOKEN_PREFIX)) {
        const reference = await ctx.store.referenceTokens.findByHash(sha256(token));
        if (reference && reference.clientId === clientId) {
          // with its revocation-feed entry; already revoked or expired: nothing to do, still 200 (2.2)
          if (await ctx.store.referenceTokens.revoke(reference.id, ctx.now())) {
            await ctx.audit.record({
              actor: `app:${clientId}`,
              action: 'reference_token_revoked',
              target: { type: 'reference_token', id: reference.id },
              clientId,
              userId: reference.userId,
              sourceAddress: request.ip,
              administrative: true,
            });
          }
        } else if (reference) {
          request.log.info({ clientId }, 'revocation of another client\'s reference token ignored');
        }
      } else {
        const found = await ctx.store.refresh.find(sha256(token));
        if (found && found.family.clientId === clientId) {
          await revokeFamily(ctx, found.family.id, 'revoked_by_client');
        } else if (found) {
          request.log.info({ clientId }, 'revocation of another client\'s refresh token ignored');
        }
      }
    }
    setNoStore(reply);
    return reply.code(200).send();
  });
  registerPreflight(app, '/connect/revocation', 'POST');
  registerMethodNotAllowed(app, '/connect/revocation', ['POST']);
}
