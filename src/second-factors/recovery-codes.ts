import { randomInt } from 'node:crypto';
import type { AppContext } from '../context.js';
import { sha256 } from '../tokens/opaque.js';

const COUNT = 10;
/** Crockford-like base32 without look-alike letters: 12 characters are 60 bits */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 12;

function generate(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** A recovery code as typed: case, spaces and dashes do not matter. Undefined when it cannot be one. */
function normalise(input: string): string | undefined {
  const clean = input.toLowerCase().replace(/[\s-]/g, '');
  return clean.length === LENGTH && [...clean].every((c) => ALPHABET.includes(c)) ? clean : undefined;
}

/**
 * Issues a new set of recovery codes (the old set stops working). They are shown once and stored only as
 * SHA-256 hashes: 60 random bits each, and every use is counted by the second-factor throttle.
 */
export async function issueRecoveryCodes(ctx: AppContext, userId: string): Promise<string[]> {
  const codes = Array.from({ length: COUNT }, generate);
  await ctx.store.secondFactors.replaceRecoveryCodes(userId, codes.map((code) => sha256(normalise(code)!)), ctx.now());
  return codes;
}

/** Uses one of the user's recovery codes (each works once). */
export async function useRecoveryCode(ctx: AppContext, userId: string, input: string): Promise<boolean> {
  const code = normalise(input);
  return code !== undefined && ctx.store.secondFactors.useRecoveryCode(userId, sha256(code), ctx.now());
}

/** Whether the input looks like a recovery code rather than a TOTP code. */
export function looksLikeRecoveryCode(input: string): boolean {
  return normalise(input) !== undefined;
}
