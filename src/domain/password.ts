import os from 'node:os';
import argon2 from 'argon2';
import type { Argon2Parameters } from '../config/config.js';
import { ConcurrencyLimit } from './concurrency-limit.js';

/** Length bounds of every password (the whole rule is checks/password-policy.ts#passwordProblem). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * One argon2id computation per usable core at a time (the benchmark measured +21 % sign-ins/s and a
 * third less peak memory on one core than libuv's default of four at once).
 */
export const argon2Slots = new ConcurrencyLimit(Math.max(1, os.availableParallelism()));

/** Hashes a password with argon2id (parameters from configuration; OWASP defaults). */
export async function hashPassword(password: string, params: Argon2Parameters): Promise<string> {
  return argon2Slots.run(() =>
    argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: params.memoryKiB,
      timeCost: params.iterations,
      parallelism: params.parallelism,
    }),
  );
}

const verifyHash = (hash: string, password: string): Promise<boolean> =>
  argon2Slots.run(() => argon2.verify(hash, password));

let dummyHash: Promise<string> | undefined;
let dummyParams: string | undefined;

/**
 * Verifies a password. With `hash` undefined (unknown user) it verifies against a dummy hash of the
 * same cost, so the answer takes as long whether or not the user exists.
 */
export async function verifyPassword(
  hash: string | undefined,
  password: string,
  params: Argon2Parameters,
): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (hash === undefined) {
    const key = JSON.stringify(params);
    if (!dummyHash || dummyParams !== key) {
      dummyParams = key;
      dummyHash = hashPassword('trustgate-dummy-password-for-unknown-users', params);
    }
    await verifyHash(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verifyHash(hash, password);
  } catch {
    return false;
  }
}
