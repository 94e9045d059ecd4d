import type { TrustedApplication } from '../domain/trusted-application.js';
import type { User } from '../domain/user.js';
import { ACR, type AcrValue } from '../domain/authentication-level.js';
import type { AppContext } from '../context.js';

/**
 * The level a sign-in must reach: two factors when the user has a second factor (enrolling one must
 * protect the account everywhere), when the user or the app requires it, or when the request asks for
 * it with acr_values; the request may ask for more (a passkey).
 */
export function requiredLevel(input: {
  user: Pick<User, 'requireMfa'>;
  app: Pick<TrustedApplication, 'requireMfa'>;
  enrolled: boolean;
  requested: AcrValue | undefined;
}): AcrValue {
  const policy = input.enrolled || input.user.requireMfa || input.app.requireMfa ? ACR.mfa : ACR.pwd;
  if (input.requested === ACR.phr) return ACR.phr;
  return input.requested === ACR.mfa ? ACR.mfa : policy;
}

/** Whether the user has a second factor they can use at sign-in. */
export async function hasSecondFactor(ctx: AppContext, userId: string): Promise<boolean> {
  return (await ctx.store.secondFactors.confirmedTotp(userId)) !== undefined;
}
