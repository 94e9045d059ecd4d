import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

export interface SigningKeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newKey(kid: string, alg = 'RS256'): Promise<SigningKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/**
 * A stand-in issuer on 127.0.0.1 serving discovery and a JWKS, counting requests, so the verifier's
 * caching and refetch bounds can be observed.
 */
export class FakeIssuer {
  published: SigningKeyPair[] = [];
  jwksRequests = 0;
  discoveryRequests = 0;
  /** answer discovery / JWKS with this status instead (simulates an outage) */
  failWith: number | undefined;
  /** issuer value written into discovery (defaults to the real one) */
  discoveryIssuer: string | undefined;
  private server: http.Server | undefined;
  origin = '';

  get issuer(): string {
    return `${this.origin}/id`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      if (this.failWith) {
        res.writeHead(this.failWith).end();
        return;
      }
      if (req.url === '/id/.well-known/openid-configuration') {
        this.discoveryRequests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: this.discoveryIssuer ?? this.issuer, jwks_uri: `${this.issuer}/.well-known/openid-configuration/jwks` }));
        return;
      }
      if (req.url === '/id/.well-known/openid-configuration/jwks') {
        this.jwksRequests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: this.published.map((k) => k.publicJwk) }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A valid Trustgate-shaped access token, with `overrides` applied to claims and header. */
  async sign(
    key: SigningKeyPair,
    overrides: { claims?: JWTPayload; header?: Record<string, unknown>; omit?: string[] } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: this.issuer,
      aud: 'erp-api',
      sub: '8d6c1c8e-9f7a-4d1b-9a57-2f1f7c3e6b10',
      client_id: 'com.example/web',
      scope: 'openid read',
      jti: crypto.randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 300,
      sid: 'sid-1',
      auth_time: now,
      user_kind: 'internal',
      ...overrides.claims,
    };
    for (const name of overrides.omit ?? []) delete claims[name];
    const header = { alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...overrides.header };
    return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
  }
}
