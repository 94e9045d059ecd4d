export { checkClientId, MAX_CLIENT_ID_LENGTH } from './client-id.js';
export { checkRedirectUri, checkRedirectUris, MAX_REDIRECT_URIS } from './redirect-uri.js';
export { checkScopes, RESERVED_SCOPES } from './scopes.js';
export { checkClientSecret, MIN_CLIENT_SECRET_LENGTH } from './secret.js';
export {
  checkAccessTokenLifetime,
  checkRefreshTokenLifetime,
  ACCESS_TOKEN_LIFETIME_BOUNDS,
  REFRESH_TOKEN_LIFETIME_BOUNDS,
} from './lifetimes.js';
export { checkSigningAlg } from './signing-alg.js';
export { checkDisplayName } from './display-name.js';
export { checkLogin, checkEmail, checkLocale, checkUserKind } from './user-fields.js';
export { validateAppRegistration, type AppRegistration, type AppRegistrationInput } from './app-registration.js';
