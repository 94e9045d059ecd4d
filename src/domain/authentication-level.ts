/**
 * Authentication methods (RFC 8176 `amr`) and the levels Trustgate names with `acr` values. A level is
 * satisfied by a sign-in whose methods reach it:
 * - `urn:trustgate:acr:pwd` — one factor (a password);
 * - `urn:trustgate:acr:mfa` — two factors (a password and a TOTP code or recovery code, or a passkey
 *   that verified the user);
 * - `urn:trustgate:acr:phr` — two factors of which one is phishing-resistant (a passkey).
 */
export const ACR = {
  pwd: 'urn:trustgate:acr:pwd',
  mfa: 'urn:trustgate:acr:mfa',
  phr: 'urn:trustgate:acr:phr',
} as const;

export type AcrValue = (typeof ACR)[keyof typeof ACR];

/** In order, weakest first (discovery lists them so). */
export const ACR_VALUES_SUPPORTED: readonly AcrValue[] = [ACR.pwd, ACR.mfa, ACR.phr];

/** Methods a sign-in may use: password, one-time code (TOTP or recovery code), hardware or software key (passkey). */
export type AuthMethod = 'pwd' | 'otp' | 'hwk' | 'swk';

const KEYS: readonly string[] = ['hwk', 'swk'];

function rank(acr: AcrValue): number {
  return ACR_VALUES_SUPPORTED.indexOf(acr);
}

/**
 * The `amr` of a sign-in from the methods it used: each method once, plus `mfa` when two factors were
 * used — two different methods, or a passkey that verified the user (`userVerified`: a PIN or biometric
 * on the authenticator, so possession and knowledge or inherence).
 */
export function amrOf(methods: readonly AuthMethod[], options: { userVerified?: boolean } = {}): string[] {
  const unique = [...new Set(methods)];
  const keyWithVerification = options.userVerified === true && unique.some((m) => KEYS.includes(m));
  return unique.length >= 2 || keyWithVerification ? [...unique, 'mfa'] : unique;
}

/** The level a sign-in with this `amr` reached. */
export function acrOf(amr: readonly string[]): AcrValue {
  if (!amr.includes('mfa')) return ACR.pwd;
  return amr.some((m) => KEYS.includes(m)) ? ACR.phr : ACR.mfa;
}

/**
 * The level an authorization request asks for with `acr_values` (a space-separated list, in order of
 * preference): the weakest of the values Trustgate knows, since any of them would do; undefined when none
 * is known (unknown values are ignored, OpenID Connect Core 3.1.2.1 makes them voluntary).
 */
export function requestedLevel(acrValues: readonly string[]): AcrValue | undefined {
  const known = acrValues.filter((v): v is AcrValue => (ACR_VALUES_SUPPORTED as readonly string[]).includes(v));
  if (known.length === 0) return undefined;
  return known.reduce((weakest, v) => (rank(v) < rank(weakest) ? v : weakest));
}

/** Whether a sign-in with this `amr` satisfies the level. */
export function satisfiesLevel(amr: readonly string[], level: AcrValue): boolean {
  return rank(acrOf(amr)) >= rank(level);
}
