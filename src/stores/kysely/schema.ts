/**
 * Table types for Kysely. Portable across SQLite and PostgreSQL:
 * timestamps are epoch milliseconds (bigint), booleans are 0/1 integers, lists are JSON text.
 */
export interface TrustedApplicationsTable {
  client_id: string;
  display_name: string;
  client_type: 'public' | 'confidential';
  login_redirect_uris: string; // JSON string[]
  logout_redirect_uris: string; // JSON string[]
  allow_internal_users: number;
  allow_community_users: number;
  scopes: string; // space-delimited
  allow_refresh_tokens: number;
  require_consent: number;
  access_token_lifetime: number; // seconds
  refresh_token_lifetime: number; // seconds
  id_token_signed_response_alg: string | null; // null: SIGNING_ALG
  access_token_signing_alg: string | null; // null: SIGNING_ALG
  refresh_reuse_grace_seconds: number | null; // null: REFRESH_REUSE_GRACE_SECONDS
  require_par: number;
  require_dpop: number;
  enabled: number;
  require_mfa: number;
  /** 1: the app may request the scope trustgate:admin (migration 012) */
  admin_api: number;
  access_tokens: string; // none | users | admins
  system_user_id: string | null; // migration 008: the service app's user (client_credentials)
  jwks: string | null; // migration 008: JSON JWK Set of the app's public keys (private_key_jwt)
  jwks_uri: string | null; // migration 008: where the app publishes them instead
  created_at: number;
  updated_at: number;
}

export interface ClientSecretsTable {
  id: string;
  client_id: string;
  secret_hash: string; // base64url SHA-256 of the secret
  description: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface UsersTable {
  id: string; // UUID, the subject
  login: string;
  login_key: string; // lower-cased login, unique
  display_name: string;
  email: string | null;
  email_verified: number;
  locale: string | null;
  kind: 'internal' | 'community';
  is_admin: number;
  enabled: number;
  require_mfa: number;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string; // JSON
  private_key: string; // PKCS#8 PEM, or an encrypted envelope (JSON) when encrypted = 1
  encrypted: number;
  created_at: number;
  /** from this time the public key is in the JWKS */
  publish_from: number;
  /** from this time the key signs (unless retired by then) */
  sign_from: number;
  /** when a newer key replaced it as the signing key (null: current or never used) */
  retired_at: number | null;
  /** after this time the public key is no longer published (null: keep) */
  publish_until: number | null;
  /** the key this one replaced (`first:<alg>` for an algorithm's first key); unique, so only one successor is ever added */
  supersedes: string | null;
}

export interface SessionsTable {
  id_hash: string; // SHA-256 of the cookie value
  sid: string; // public session id (ID token `sid`)
  user_id: string;
  auth_time: number; // epoch seconds
  amr: string; // JSON string[]
  created_at: number;
  last_seen_at: number;
  expires_at: number; // absolute expiry
  ended_at: number | null;
}

export interface InteractionsTable {
  id: string; // random, appears in the page URL
  browser_hash: string; // SHA-256 of the interaction cookie that binds it to one browser
  csrf_hash: string; // SHA-256 of the CSRF token carried by its forms
  client_id: string;
  request: string; // JSON of the validated authorization request
  user_id: string | null; // set once the user signed in during this interaction
  session_sid: string | null; // public sid of the SSO session the user is signed in with (migration 004)
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  pending_user_id: string | null;
  pending_amr: string | null; // JSON string[]
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  sid: string;
  auth_time: number;
  amr: string; // JSON string[]
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  /** what was issued from it, so a replay can revoke it (RFC 6749 4.1.2) */
  issued_family_id: string | null;
  issued_access_jti: string | null;
  issued_access_expires_at: number | null;
}

export interface RefreshFamiliesTable {
  id: string;
  client_id: string;
  user_id: string;
  scope: string; // scope granted at sign-in (upper bound for every refresh)
  sid: string;
  auth_time: number;
  amr: string;
  nonce: string | null;
  created_at: number;
  expires_at: number; // absolute: original sign-in + lifetime
  revoked_at: number | null;
  revoked_reason: string | null;
  /** the last rotation (every rotation updates the family row first: one rotation at a time per family) */
  rotated_at: number | null;
  /** the DPoP key (JWK thumbprint) the family's refresh tokens are bound to; null: not bound */
  dpop_jkt: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  scope: string; // scope of the access tokens this token yields
  created_at: number;
  consumed_at: number | null;
  /** jti and expiry of the access token issued alongside this refresh token */
  access_jti: string | null;
  access_expires_at: number | null;
  /** until when this rotated token may be presented again (reuse grace window); null: never */
  grace_until: number | null;
}

export interface PushedAuthorizationRequestsTable {
  uri_hash: string; // SHA-256 of the request_uri
  client_id: string;
  params: string; // JSON Record<string, string>
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface DpopProofsTable {
  proof_hash: string; // SHA-256 of the proof's jkt and jti
  expires_at: number;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  scopes: string; // space-delimited, union of granted scopes
  created_at: number;
  updated_at: number;
}

export interface ThrottleCountersTable {
  key: string; // e.g. "as:<login key>|<source>", "s:<source>", "a:<login key>", "d:<device id>"
  account_key: string | null; // the login key the counter belongs to (null: a source's counter)
  count: number;
  window_started_at: number;
  window_ms: number;
  updated_at: number;
}

export interface TotpCredentialsTable {
  id: string;
  user_id: string;
  secret: string; // an encrypted envelope (see second-factors/secret-box.ts)
  created_at: number;
  confirmed_at: number | null;
  last_used_step: number | null;
}

export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  created_at: number;
  used_at: number | null;
}

export interface PasskeyCredentialsTable {
  id: string; // the WebAuthn credential id, base64url
  user_id: string;
  public_key: string; // COSE public key, base64url
  counter: number;
  transports: string; // JSON array
  backed_up: number; // 0 / 1
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface PasskeyChallengesTable {
  challenge_hash: string; // SHA-256 of the challenge sent to the browser
  purpose: string; // 'register' | 'authenticate'
  binding: string; // 'interaction:<id>' | 'session:<sid>'
  user_id: string | null;
  expires_at: number;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface RevokedAccessTokensTable {
  jti: string;
  expires_at: number;
  revoked_at: number;
}

export interface ApisTable {
  audience: string;
  display_name: string;
  created_at: number;
  updated_at: number;
}

export interface ApiScopesTable {
  scope: string; // unique: a scope belongs to one API
  audience: string;
}

export interface ApiSecretsTable {
  id: string;
  audience: string;
  secret_hash: string; // base64url SHA-256 of the secret
  description: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface RevocationEventsTable {
  seq: number; // the feed cursor: max + 1, assigned while the writer holds the table
  type: string; // jti | sid | sub | client
  value: string;
  at: number;
  until: number;
}

export interface ReferenceTokensTable {
  id: string; // the token's jti at introspection and in the revocation feed
  token_hash: string; // base64url SHA-256 of the token, unique
  user_id: string;
  client_id: string;
  scope: string; // space-delimited
  description: string | null;
  created_by: string; // admin | user
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface PasswordResetsTable {
  token_hash: string; // SHA-256 of the reset token in the link
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** One row per client-assertion `jti` used (migration 008), kept until the assertion expires. */
export interface ClientAssertionJtisTable {
  jti_hash: string; // SHA-256 of JSON [client_id, jti]
  expires_at: number;
}

export interface Database {
  trusted_applications: TrustedApplicationsTable;
  client_secrets: ClientSecretsTable;
  users: UsersTable;
  signing_keys: SigningKeysTable;
  sessions: SessionsTable;
  interactions: InteractionsTable;
  authorization_codes: AuthorizationCodesTable;
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  pushed_authorization_requests: PushedAuthorizationRequestsTable;
  dpop_proofs: DpopProofsTable;
  consents: ConsentsTable;
  throttle_counters: ThrottleCountersTable;
  server_secrets: ServerSecretsTable;
  totp_credentials: TotpCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  password_resets: PasswordResetsTable;
  passkey_credentials: PasskeyCredentialsTable;
  passkey_challenges: PasskeyChallengesTable;
  apis: ApisTable;
  api_scopes: ApiScopesTable;
  api_secrets: ApiSecretsTable;
  revocation_events: RevocationEventsTable;
  reference_tokens: ReferenceTokensTable;
  client_assertion_jtis: ClientAssertionJtisTable;
  audit_events: AuditEventsTable;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  client_id: string | null;
  user_id: string | null;
  source_address: string | null;
  outcome: 'success' | 'failure' | 'refused';
  reason: string | null;
  details: string; // JSON object, redacted
}
