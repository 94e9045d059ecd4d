import type { Secret, TOTP } from 'otpauth';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { randomId } from '../tokens/opaque.js';
import { openSecret, sealSecret } from './secret-box.js';

/** RFC 6238 with the parameters every authenticator app understands: SHA-1, 6 digits, 30 s. */
const PERIOD = 30;
const DIGITS = 6;
/** one step either side, for clock drift and typing time (RFC 6238 5.2) */
const WINDOW = 1;
const CODE = /^\d{6}$/;

export interface TotpEnrolment {
  credentialId: string;
  /** base32, for typing into an app by hand; shown once, on the enrolment page */
  secret: string;
  /** the otpauth:// URI the QR code holds */
  uri: string;
  /** the QR code as an SVG document */
  qrSvg: string;
}

let otpauth: Promise<typeof import('otpauth')> | undefined;
/** otpauth is loaded when a code is first checked or an app enrolled, not at start-up (most users have no TOTP app). */
function loadOtpauth(): Promise<typeof import('otpauth')> {
  return (otpauth ??= import('otpauth'));
}

/** The QR code of an otpauth:// URI as SVG; qrcode (~5 MB resident with its PNG encoder) is loaded on the first enrolment. */
async function qrSvg(uri: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(uri, { type: 'svg', margin: 1 });
}

async function totp(ctx: AppContext, user: Pick<User, 'login'>, secret: Secret): Promise<TOTP> {
  const { TOTP } = await loadOtpauth();
  return new TOTP({ issuer: ctx.config.instanceName, label: user.login, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret });
}

/** The digits of a code as typed ("123 456" → "123456"), or undefined when it cannot be a code. */
export function normaliseCode(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return CODE.test(digits) ? digits : undefined;
}

/** Starts enrolling a TOTP app: a new 160-bit secret, stored encrypted and unconfirmed until a code proves the app has it. */
export async function startTotpEnrolment(ctx: AppContext, user: User): Promise<TotpEnrolment> {
  const { Secret } = await loadOtpauth();
  const secret = new Secret({ size: 20 });
  const credentialId = randomId();
  await ctx.store.secondFactors.addPendingTotp({
    id: credentialId,
    userId: user.id,
    secret: await sealSecret(secret.base32, ctx.config.keyEncryptionSecret),
    createdAt: ctx.now(),
    confirmedAt: null,
    lastUsedStep: null,
  });
  const uri = (await totp(ctx, user, secret)).toString();
  return { credentialId, secret: secret.base32, uri, qrSvg: await qrSvg(uri) };
}

/** The enrolment page shown again (after a wrong code): the same pending secret, if it is still there. */
export async function resumeTotpEnrolment(ctx: AppContext, user: User, credentialId: string): Promise<TotpEnrolment | undefined> {
  const pending = await ctx.store.secondFactors.pendingTotp(user.id, credentialId);
  if (!pending) return undefined;
  const { Secret } = await loadOtpauth();
  const secret = Secret.fromBase32(await openSecret(pending.secret, ctx.config.keyEncryptionSecret));
  const uri = (await totp(ctx, user, secret)).toString();
  return { credentialId, secret: secret.base32, uri, qrSvg: await qrSvg(uri) };
}

/** The time step a code matches for this secret now, or undefined. */
async function matchingStep(ctx: AppContext, user: Pick<User, 'login'>, sealed: string, code: string): Promise<number | undefined> {
  const { Secret } = await loadOtpauth();
  const secret = Secret.fromBase32(await openSecret(sealed, ctx.config.keyEncryptionSecret));
  const now = ctx.now();
  const delta = (await totp(ctx, user, secret)).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? undefined : Math.floor(now / 1000 / PERIOD) + delta;
}

/** Confirms a pending enrolment with a code from the app; it then replaces any TOTP app the user had. */
export async function confirmTotpEnrolment(ctx: AppContext, user: User, credentialId: string, input: string): Promise<boolean> {
  const code = normaliseCode(input);
  const pending = code ? await ctx.store.secondFactors.pendingTotp(user.id, credentialId) : undefined;
  if (!code || !pending) return false;
  const step = await matchingStep(ctx, user, pending.secret, code);
  return step !== undefined && ctx.store.secondFactors.confirmTotp(user.id, credentialId, step, ctx.now());
}

/** Checks a code against the user's TOTP app; a code is accepted once (its step must be later than any used). */
export async function verifyTotpCode(ctx: AppContext, user: User, input: string): Promise<boolean> {
  const code = normaliseCode(input);
  const credential = code ? await ctx.store.secondFactors.confirmedTotp(user.id) : undefined;
  if (!code || !credential) return false;
  const step = await matchingStep(ctx, user, credential.secret, code);
  return step !== undefined && ctx.store.secondFactors.useTotpStep(credential.id, step);
}
