import { createHmac } from 'node:crypto';
import { constantTimeEqual, sha256 } from '../tokens/opaque.js';

/**
 * The CSRF token of an interaction's forms, derived from the browser's secret interaction cookie and
 * the interaction id, so it can be rendered again on reload while the store keeps only its hash.
 */
export function csrfToken(browserSecret: string, interactionId: string): string {
  return createHmac('sha256', browserSecret).update(`csrf:${interactionId}`).digest('base64url');
}

export function csrfMatches(submitted: string | undefined, csrfHash: string): boolean {
  if (submitted === undefined || submitted.length > 100) return false;
  return constantTimeEqual(sha256(submitted), csrfHash);
}
