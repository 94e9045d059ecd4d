import { invalid } from '../../errors/admin-error.js';
import { isSigningAlg, signingAlgList, type SigningAlg } from '../../domain/signing-alg.js';

/** An app's choice of signing algorithm for one kind of token: RS256, ES256 or EdDSA, or null (SIGNING_ALG). */
export function checkSigningAlg(value: string | null, token: 'ID-token' | 'access-token', field: string): SigningAlg | null {
  if (value === null || isSigningAlg(value)) return value;
  throw invalid('signing_alg_invalid', `the ${token} signing algorithm must be ${signingAlgList()}, got ${JSON.stringify(value)}`, [field]);
}
