import type { AppContext } from '../context.js';
import { PROTOCOL_SCOPES } from '../domain/trusted-application.js';

/**
 * The `aud` of an access token follows from its scopes: every registered API owning a granted scope;
 * plus the default API (API_AUDIENCE) when a granted API scope belongs to no registered API, or when no
 * registered API is named at all (a token of protocol scopes only). Without registered APIs every token
 * is for API_AUDIENCE, as before APIs could be registered.
 */
export async function tokenAudiences(ctx: Pick<AppContext, 'apiRegistry' | 'config'>, scope: readonly string[]): Promise<string[]> {
  const apiScopes = scope.filter((s) => !(PROTOCOL_SCOPES as readonly string[]).includes(s));
  const owners = await ctx.apiRegistry.owners(apiScopes);
  const registered = [...new Set(owners.values())].sort();
  const unowned = apiScopes.some((s) => !owners.has(s));
  if (registered.length === 0 || unowned) {
    for (const audience of ctx.config.apiAudiences) if (!registered.includes(audience)) registered.push(audience);
  }
  return registered;
}

/** Whether a token's `aud` names this server's APIs: a default one (API_AUDIENCE) or a registered one. */
export async function isOurAudience(ctx: Pick<AppContext, 'apiRegistry' | 'config'>, aud: unknown): Promise<boolean> {
  const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
  if (audiences.some((a) => ctx.config.apiAudiences.includes(a))) return true;
  return ctx.apiRegistry.anyRegistered(audiences);
}
