import * as client from 'openid-client';
import type { SessionTokens, WebSession } from './sessions.js';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
  /** renew the access token this long before it expires (ms) */
  refreshMarginMs: number;
  now: () => number;
}

/** The session has no usable tokens any more: the user must sign in again. */
export class SignInRequired extends Error {}

/**
 * The web app's side of OpenID Connect, on openid-client: discovery, the code flow with PKCE, state and
 * nonce, silent renewal with the rotating refresh token, and RP-initiated logout.
 */
export class OidcClient {
  private constructor(
    private readonly config: client.Configuration,
    private readonly settings: OidcSettings,
  ) {}

  static async discover(settings: OidcSettings): Promise<OidcClient> {
    const issuer = new URL(settings.issuer);
    const loopbackHttp = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    const config = await client.discovery(
      issuer,
      settings.clientId,
      undefined,
      client.ClientSecretBasic(settings.clientSecret),
      // plain http is only acceptable for an issuer on this machine (the demo and tests)
      loopbackHttp ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    return new OidcClient(config, settings);
  }

  /** Starts a sign-in: remembers state, nonce and the PKCE verifier in the session; returns the authorize URL. */
  async startLogin(session: WebSession, extra: Record<string, string> = {}): Promise<URL> {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    session.pendingLogin = { state, nonce, codeVerifier, startedAt: this.settings.now() };
    return client.buildAuthorizationUrl(this.config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
  }

  /** Completes the sign-in at the callback URL (checks state, iss, PKCE, the ID token and its nonce). */
  async finishLogin(session: WebSession, callbackUrl: URL): Promise<void> {
    const pending = session.pendingLogin;
    session.pendingLogin = undefined;
    if (!pending) throw new SignInRequired('no sign-in is in progress in this browser session');
    const response = await client.authorizationCodeGrant(this.config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = response.claims()!;
    session.user = {
      sub: claims.sub,
      name: typeof claims.name === 'string' ? claims.name : claims.sub,
      login: typeof claims.preferred_username === 'string' ? claims.preferred_username : '',
    };
    session.tokens = this.toTokens(response, undefined);
    session.refreshCount = 0;
  }

  /** A valid access token for the session, renewed first when it has expired (or is about to). */
  async accessToken(session: WebSession): Promise<string> {
    if (!session.tokens) throw new SignInRequired('not signed in');
    if (session.tokens.accessTokenExpiresAt - this.settings.refreshMarginMs <= this.settings.now()) {
      await this.refresh(session);
    }
    return session.tokens!.accessToken;
  }

  /**
   * Renews the access token with the refresh token and keeps the NEW refresh token (the old one is
   * now invalid: presenting it again would revoke the whole sign-in). Concurrent callers share one
   * refresh, so the same refresh token is never sent twice.
   */
  async refresh(session: WebSession): Promise<void> {
    session.refreshing ??= (async () => {
      const tokens = session.tokens;
      if (!tokens?.refreshToken) {
        session.tokens = undefined;
        throw new SignInRequired('the access token expired and there is no refresh token');
      }
      try {
        const response = await client.refreshTokenGrant(this.config, tokens.refreshToken);
        session.tokens = this.toTokens(response, tokens);
        session.refreshCount += 1;
      } catch (error) {
        if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
          // expired, revoked, or the app's registration changed: the sign-in is over
          session.tokens = undefined;
          throw new SignInRequired(`the session ended (${error.error_description ?? error.error})`);
        }
        if (error instanceof client.ResponseBodyError) {
          // the app itself was refused (disabled: unauthorized_client; secret revoked: invalid_client)
          throw new SignInRequired(`the identity server refused to renew the sign-in (${error.error}: ${error.error_description ?? ''})`);
        }
        throw error;
      }
    })().finally(() => {
      session.refreshing = undefined;
    });
    return session.refreshing;
  }

  /** Revokes the refresh token (best effort) and returns the end-session URL to send the browser to. */
  async logoutUrl(tokens: SessionTokens | undefined, state: string): Promise<URL> {
    if (tokens?.refreshToken) {
      await client.tokenRevocation(this.config, tokens.refreshToken, { token_type_hint: 'refresh_token' }).catch(() => undefined);
    }
    return client.buildEndSessionUrl(this.config, {
      post_logout_redirect_uri: this.settings.postLogoutRedirectUri,
      ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : { client_id: this.settings.clientId }),
      state,
    });
  }

  private toTokens(response: client.TokenEndpointResponse, previous: SessionTokens | undefined): SessionTokens {
    return {
      accessToken: response.access_token,
      accessTokenExpiresAt: this.settings.now() + (response.expires_in ?? 300) * 1000,
      refreshToken: response.refresh_token ?? previous?.refreshToken,
      idToken: response.id_token ?? previous?.idToken,
    };
  }
}
