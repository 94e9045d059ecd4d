/**
 * trustgate/resource-server: what an API needs to accept Trustgate access tokens.
 *
 *   const verifier = createAccessTokenVerifier({ issuer: 'https://erp.example.com/id', audience: 'erp-api' });
 *   const auth = createBearerAuth({ verifier, realm: 'erp-api' });
 *   app.get('/api/orders', { preHandler: auth.requireScope('read') }, (request) => {
 *     const { subject, scopes } = accessTokenOf(request);
 *   });
 */
export {
  createAccessTokenVerifier,
  MAX_TOKEN_LENGTH,
  type AccessToken,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
} from './verifier.js';
export { BearerError, type BearerErrorCode } from './bearer-error.js';
export { extractBearerToken, type BearerRequestParts } from './bearer-header.js';
export {
  REVOKED_DESCRIPTIONS,
  type ApiCredentials,
  type RevocationOptions,
  type RevocationFeedOptions,
  type IntrospectionOptions,
} from './revocation.js';
export { INACTIVE_DESCRIPTION } from './introspection.js';
export { createBearerAuth, accessTokenOf, type BearerAuth, type BearerAuthOptions } from './fastify.js';
export {
  requireAcr,
  acrSatisfies,
  insufficientUserAuthenticationChallenge,
  TRUSTGATE_ACR_LEVELS,
  type RequireAcrOptions,
} from './acr.js';
