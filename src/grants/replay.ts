import type { AppContext } from '../context.js';
import type { RevocationReason } from '../domain/refresh-family.js';

/**
 * RFC 6749 4.1.2 / 10.5: a code presented again revokes what was issued from it (the refresh family and
 * the first access token). Reads the record afresh, after the winning transaction committed.
 */
export async function revokeIssuedFromCode(ctx: AppContext, codeHash: string): Promise<void> {
  const code = await ctx.store.codes.get(codeHash);
  if (!code) return;
  const at = ctx.now();
  await ctx.store.withTransaction(async (stores) => {
    if (code.issuedFamilyId) await stores.refresh.revokeFamily(code.issuedFamilyId, at, 'code_replay');
    if (code.issuedAccessJti && code.issuedAccessExpiresAt) {
      await stores.revokedTokens.add(code.issuedAccessJti, code.issuedAccessExpiresAt, at);
    }
  });
  ctx.log.warn({ clientId: code.clientId, familyId: code.issuedFamilyId }, 'authorization code replayed: issued tokens revoked');
}

/** RFC 9700 4.14.2: revokes a refresh family and deny-lists the access tokens issued in it. */
export async function revokeFamily(ctx: AppContext, familyId: string, reason: RevocationReason): Promise<void> {
  const at = ctx.now();
  await ctx.store.refresh.revokeFamily(familyId, at, reason);
  if (reason === 'reuse') ctx.log.warn({ familyId }, 'rotated refresh token presented again: family revoked');
}
