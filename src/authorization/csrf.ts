import { createHmac } from 'node:crypto';
import { constantTimeEqual, sha256 } from '../tokens/opaque.js';

const MAX_TOKEN_LENGTH = 100;

function derive(browserSecret: string, purpose: string): string {
  return createHmac('sha256', browserSecret).update(`csrf:${purpose}`).digest('base64url');
}

/**
 * The CSRF token of an interaction's forms, derived from the browser's secret interaction cookie and
 * the interaction id, so it can be rendered again on reload while the store keeps only its hash.
 */
export function csrfToken(browserSecret: string, interactionId: string): string {
  return derive(browserSecret, interactionId);
}

export function csrfMatches(submitted: string | undefined, csrfHash: string): boolean {
  if (submitted === undefined || submitted.length > MAX_TOKEN_LENGTH) return false;
  return constantTimeEqual(sha256(submitted), csrfHash);
}

/** The CSRF token of the sign-out confirmation: derived from the browser's session cookie, nothing stored. */
export function signOutCsrfToken(sessionSecret: string): string {
  return derive(sessionSecret, 'sign-out');
}

export function signOutCsrfMatches(submitted: string | undefined, sessionSecret: string): boolean {
  if (submitted === undefined || submitted.length > MAX_TOKEN_LENGTH) return false;
  return constantTimeEqual(submitted, signOutCsrfToken(sessionSecret));
}
