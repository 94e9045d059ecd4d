import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { loginKey } from '../domain/user.js';
import { passkeyMethod, type PasskeyChallengePurpose, type PasskeyCredential } from '../domain/passkey.js';
import { decideAttempt, releaseAfterSuccess, secondFactorCounters } from '../domain/throttle.js';
import { sha256 } from '../tokens/opaque.js';

/** How long the browser has to answer a challenge (the WebAuthn ceremony's timeout). */
const CHALLENGE_MS = 5 * 60_000;
const MAX_RESPONSE = 20_000;
export const MAX_PASSKEY_NAME = 60;

let webAuthn: Promise<typeof import('@simplewebauthn/server')> | undefined;
/**
 * @simplewebauthn/server (and its ASN.1/CBOR libraries: ~10 MB resident) is loaded on the first passkey
 * ceremony, not at start-up: most processes never see one (test/cli/lazy-modules.test.ts checks it).
 */
function loadWebAuthn(): Promise<typeof import('@simplewebauthn/server')> {
  return (webAuthn ??= import('@simplewebauthn/server'));
}

/** Passkeys need the issuer to be named by a domain (WebAuthn refuses IP addresses as relying-party ids). */
export function passkeysAvailable(ctx: Pick<AppContext, 'config'>): boolean {
  return isIP(new URL(ctx.config.issuer).hostname.replace(/^\[|\]$/g, '')) === 0;
}

/**
 * The relying party is the issuer: its host name is the rpID, its origin the only origin accepted. An
 * issuer addressed by an IP literal cannot have passkeys (WebAuthn requires a domain; `localhost` works).
 */
export function relyingParty(ctx: AppContext): { rpID: string; origin: string; name: string } {
  const url = new URL(ctx.config.issuer);
  return { rpID: url.hostname, origin: url.origin, name: ctx.config.instanceName };
}

/** 32 random bytes; the browser sees (and clientDataJSON carries) them base64url-encoded, which is what is hashed. */
async function newChallenge(ctx: AppContext, purpose: PasskeyChallengePurpose, binding: string, userId: string | null): Promise<Uint8Array<ArrayBuffer>> {
  const challenge = new Uint8Array(new ArrayBuffer(32));
  challenge.set(randomBytes(32));
  const encoded = Buffer.from(challenge).toString('base64url');
  await ctx.store.passkeys.saveChallenge({ challengeHash: sha256(encoded), purpose, binding, userId, expiresAt: ctx.now() + CHALLENGE_MS });
  return challenge;
}

/**
 * Consumes the challenge a response answers (read from its clientDataJSON): one answer per challenge,
 * even when the response turns out to be bad, so a replayed or forged response never meets a live one.
 */
async function consumeAnswered(
  ctx: AppContext,
  clientDataJSON: string,
  purpose: PasskeyChallengePurpose,
  binding: string,
): Promise<{ challenge: string; userId: string | null } | undefined> {
  let challenge: unknown;
  try {
    challenge = (JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge;
  } catch {
    return undefined;
  }
  if (typeof challenge !== 'string' || challenge.length > 200) return undefined;
  const consumed = await ctx.store.passkeys.consumeChallenge(sha256(challenge), purpose, binding, ctx.now());
  return consumed ? { challenge, userId: consumed.userId } : undefined;
}

/** A response from the browser (a form field holding JSON), when it has the shape of one. */
function parseResponse<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(input: string | undefined): T | undefined {
  if (input === undefined || input.length > MAX_RESPONSE) return undefined;
  try {
    const value = JSON.parse(input) as { id?: unknown; type?: unknown; response?: { clientDataJSON?: unknown } };
    if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || value.type !== 'public-key') return undefined;
    if (typeof value.response !== 'object' || value.response === null || typeof value.response.clientDataJSON !== 'string') return undefined;
    return value as unknown as T;
  } catch {
    return undefined;
  }
}

/** Options for registering a new passkey for the user: a discoverable credential that verifies the user. */
export async function registrationOptions(ctx: AppContext, user: User, binding: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty(ctx);
  const existing = await ctx.store.passkeys.listForUser(user.id);
  return (await loadWebAuthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userName: user.login,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: user.displayName || user.login,
    challenge: await newChallenge(ctx, 'register', binding, user.id),
    timeout: CHALLENGE_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

export type PasskeyRegistration = { kind: 'registered'; credential: PasskeyCredential } | { kind: 'failed'; reason: string };

/** Verifies the browser's answer to registrationOptions() and stores the new passkey under this name. */
export async function registerPasskey(ctx: AppContext, user: User, binding: string, input: string | undefined, name: string): Promise<PasskeyRegistration> {
  const response = parseResponse<RegistrationResponseJSON>(input);
  if (!response) return { kind: 'failed', reason: 'malformed_response' };
  const answered = await consumeAnswered(ctx, response.response.clientDataJSON, 'register', binding);
  if (!answered || answered.userId !== user.id) return { kind: 'failed', reason: 'unknown_challenge' };
  const rp = relyingParty(ctx);
  const { verifyRegistrationResponse } = await loadWebAuthn();
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: answered.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    });
  } catch {
    return { kind: 'failed', reason: 'invalid_response' };
  }
  if (!verified.verified) return { kind: 'failed', reason: 'invalid_response' };
  const info = verified.registrationInfo;
  const credential: PasskeyCredential = {
    id: info.credential.id,
    userId: user.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: (info.credential.transports ?? []).map(String),
    backedUp: info.credentialBackedUp,
    name: name.slice(0, MAX_PASSKEY_NAME) || 'Passkey',
    createdAt: ctx.now(),
    lastUsedAt: null,
  };
  if (!(await ctx.store.passkeys.add(credential))) return { kind: 'failed', reason: 'already_registered' };
  return { kind: 'registered', credential };
}

/**
 * Options for signing in with a passkey. With a user (a second factor or step-up) only their passkeys
 * are offered; without one (passwordless) the authenticator offers its discoverable credentials and must
 * verify the user (PIN or biometric).
 */
export async function authenticationOptions(ctx: AppContext, binding: string, user: User | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = relyingParty(ctx);
  const allow = user ? (await ctx.store.passkeys.listForUser(user.id)).map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransport[] })) : undefined;
  return (await loadWebAuthn()).generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: allow,
    challenge: await newChallenge(ctx, 'authenticate', binding, user?.id ?? null),
    timeout: CHALLENGE_MS,
    userVerification: user ? 'preferred' : 'required',
  });
}

export type PasskeyAttempt =
  | { kind: 'refused'; retryAfterMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'verified'; user: User; method: 'hwk' | 'swk'; userVerified: boolean; credential: PasskeyCredential };

/**
 * One passkey assertion. The challenge it answers is consumed first (single use, bound to `binding`); the
 * credential must belong to `expectedUser` when one is given (a second factor) and to the user the
 * challenge was issued for; the attempt is counted by the per-user second-factor throttle before the
 * signature is checked; the signature counter must move forward (atomically).
 */
export async function attemptPasskey(
  ctx: AppContext,
  binding: string,
  input: string | undefined,
  expectedUser: User | null,
  about: { clientId: string; sourceAddress: string },
): Promise<PasskeyAttempt> {
  const response = parseResponse<AuthenticationResponseJSON>(input);
  if (!response) return { kind: 'failed', reason: 'malformed_response' };
  const answered = await consumeAnswered(ctx, response.response.clientDataJSON, 'authenticate', binding);
  // the credential id is public, but only a prefix of its hash is kept: enough to tell attempts apart
  const details = { passkeyRef: sha256(response.id).slice(0, 16) };
  const fail = async (reason: string, userId?: string): Promise<PasskeyAttempt> => {
    await ctx.audit.record({
      actor: userId ? `user:${userId}` : 'anonymous',
      action: 'passkey_failed',
      outcome: 'failure',
      reason,
      userId: userId ?? null,
      clientId: about.clientId,
      sourceAddress: about.sourceAddress,
      details,
      message: 'passkey refused',
    });
    return { kind: 'failed', reason };
  };
  if (!answered) return fail('unknown_challenge');
  const credential = await ctx.store.passkeys.get(response.id);
  if (!credential) return fail('unknown_credential');
  if (expectedUser && credential.userId !== expectedUser.id) return fail('credential_of_another_user', expectedUser.id);
  if (answered.userId !== null && answered.userId !== credential.userId) return fail('credential_of_another_user', answered.userId);
  const user = expectedUser ?? (await ctx.store.users.getById(credential.userId));
  if (!user) return fail('unknown_credential');

  const policy = ctx.config.throttle;
  const counters = secondFactorCounters(policy, { account: loginKey(user.login), userId: user.id });
  const now = ctx.now();
  const decision = decideAttempt(policy, counters, await ctx.store.throttles.reserve(counters, now, policy.windowMs), now);
  if (decision.kind === 'refuse') {
    await ctx.audit.record({
      actor: `user:${user.id}`,
      action: 'second_factor_throttled',
      outcome: 'refused',
      reason: 'second-factor throttle limit',
      userId: user.id,
      clientId: about.clientId,
      sourceAddress: about.sourceAddress,
      details: { via: 'passkey', retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000), ...details },
      level: 'warn',
      message: 'passkey refused by the throttle; the assertion was not checked',
    });
    return { kind: 'refused', retryAfterMs: decision.retryAfterMs };
  }
  const rp = relyingParty(ctx);
  const { verifyAuthenticationResponse } = await loadWebAuthn();
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: answered.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: { id: credential.id, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: credential.counter },
      requireUserVerification: expectedUser === null,
    });
  } catch {
    return fail('invalid_assertion', user.id);
  }
  if (!verified.verified) return fail('invalid_assertion', user.id);
  const info = verified.authenticationInfo;
  if (!(await ctx.store.passkeys.recordUse(credential.id, credential.counter, info.newCounter, ctx.now()))) {
    return fail('counter_not_increased', user.id);
  }
  await ctx.store.throttles.release(releaseAfterSuccess(counters), ctx.now());
  return { kind: 'verified', user, method: passkeyMethod(info.credentialBackedUp), userVerified: info.userVerified, credential };
}
