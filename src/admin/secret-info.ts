import { isSecretActive, type ClientSecret } from '../domain/trusted-application.js';

export type SecretStatus = 'active' | 'expired' | 'revoked';

/** What an administrator may see of a client secret (never the value, never the hash). */
export interface SecretInfo {
  id: string;
  description: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  status: SecretStatus;
}

export function secretInfo(secret: ClientSecret, now: number): SecretInfo {
  const status: SecretStatus = secret.revokedAt !== null ? 'revoked' : isSecretActive(secret, now) ? 'active' : 'expired';
  return {
    id: secret.id,
    description: secret.description,
    createdAt: secret.createdAt,
    expiresAt: secret.expiresAt,
    revokedAt: secret.revokedAt,
    status,
  };
}
