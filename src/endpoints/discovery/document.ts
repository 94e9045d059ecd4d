import type { Config } from '../../config/config.js';
import { ACR_VALUES_SUPPORTED } from '../../domain/authentication-level.js';
import { SUPPORTED_LOCALES } from '../../pages/messages/index.js';
import { SIGNING_ALGS, type SigningAlg } from '../../domain/signing-alg.js';
import { DPOP_SIGNING_ALGS } from '../../tokens/dpop-proof.js';
import { CLIENT_ASSERTION_SIGNING_ALGS } from '../../tokens/client-assertion.js';

/** Paths of every endpoint, relative to the issuer (the route table registers them under its path). */
export const ENDPOINT_PATHS = {
  authorization: '/connect/authorize',
  token: '/connect/token',
  userinfo: '/connect/userinfo',
  revocation: '/connect/revocation',
  introspection: '/connect/introspect',
  revocationFeed: '/connect/revocations',
  endSession: '/connect/endsession',
  pushedAuthorizationRequest: '/connect/par',
  discovery: '/.well-known/openid-configuration',
  jwks: '/.well-known/openid-configuration/jwks',
} as const;

/** API scopes the instance's data APIs understand (app registrations narrow them per app). */
export const API_SCOPES = ['read', 'update'] as const;

/**
 * The OpenID Provider metadata (OpenID Connect Discovery 1.0 section 3, RFC 8414). It advertises
 * exactly what Trustgate implements; anything not listed (implicit and hybrid flows, request objects,
 * the claims parameter, front- and back-channel logout, pairwise subjects) is not offered.
 */
export function discoveryDocument(config: Pick<Config, 'issuer' | 'signingAlg'>): Record<string, unknown> {
  const at = (path: string) => `${config.issuer}${path}`;
  return {
    issuer: config.issuer,
    authorization_endpoint: at(ENDPOINT_PATHS.authorization),
    token_endpoint: at(ENDPOINT_PATHS.token),
    userinfo_endpoint: at(ENDPOINT_PATHS.userinfo),
    jwks_uri: at(ENDPOINT_PATHS.jwks),
    end_session_endpoint: at(ENDPOINT_PATHS.endSession),
    revocation_endpoint: at(ENDPOINT_PATHS.revocation),
    introspection_endpoint: at(ENDPOINT_PATHS.introspection),
    pushed_authorization_request_endpoint: at(ENDPOINT_PATHS.pushedAuthorizationRequest),
    // RFC 9126 5: not for every app; an app registered with --require-par must push
    require_pushed_authorization_requests: false,
    // not standard: the signed revocation feed registered APIs poll (docs/protecting-an-api.md)
    revocation_feed_endpoint: at(ENDPOINT_PATHS.revocationFeed),
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', ...API_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_SIGNING_ALGS],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_SIGNING_ALGS],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_SIGNING_ALGS],
    subject_types_supported: ['public'],
    // every algorithm the server signs with (an app may choose any; its first key is made on demand)
    id_token_signing_alg_values_supported: signingAlgs(config.signingAlg),
    // not in OpenID Connect Discovery or RFC 8414: the algorithms of the JWT access tokens (RFC 9068)
    access_token_signing_alg_values_supported: signingAlgs(config.signingAlg),
    claim_types_supported: ['normal'],
    claims_supported: [
      'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'amr', 'acr', 'at_hash',
      'name', 'preferred_username', 'locale', 'email', 'email_verified',
    ],
    prompt_values_supported: ['none', 'login', 'consent'],
    // the languages of the sign-in pages, chosen by ui_locales (then Accept-Language)
    ui_locales_supported: [...SUPPORTED_LOCALES],
    acr_values_supported: [...ACR_VALUES_SUPPORTED],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    require_request_uri_registration: false,
    authorization_response_iss_parameter_supported: true,
    // RFC 9449 5.1: DPoP proofs at the token endpoint, userinfo and the resource-server module
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
  };
}

/** Every signing algorithm, SIGNING_ALG first. */
function signingAlgs(serverDefault: SigningAlg): SigningAlg[] {
  return [serverDefault, ...SIGNING_ALGS.filter((alg) => alg !== serverDefault)];
}
