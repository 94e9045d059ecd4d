import type { AppContext } from '../../src/context.js';
import type { TrustedApplication } from '../../src/domain/trusted-application.js';
import type { User } from '../../src/domain/user.js';
import { AppService, type AppInput } from '../../src/admin/app-service.js';
import { UserService, type UserInput } from '../../src/admin/user-service.js';

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * Registers a Trusted Application through the admin service (so every registration rule applies).
 * Defaults: confidential with a generated secret (returned as `secret`), login redirect
 * https://app.example.com/callback, logout redirect https://app.example.com/signed-out, scope
 * `read update`, internal users allowed, refresh tokens allowed, consent required.
 * A public app gets no secret. Giving `secret` registers that value instead of a generated one.
 */
export async function createTestApp(
  ctx: AppContext,
  input: Partial<AppInput> & { clientId: string },
): Promise<{ app: TrustedApplication; secret?: string }> {
  const clientType = input.clientType ?? 'confidential';
  const generateSecret =
    input.generateSecret ?? (clientType === 'confidential' && input.secret === undefined ? true : undefined);
  const result = await new AppService(ctx).create({
    displayName: `Test app ${input.clientId}`,
    loginRedirectUris: ['https://app.example.com/callback'],
    logoutRedirectUris: ['https://app.example.com/signed-out'],
    scopes: ['read', 'update'],
    allowInternalUsers: true,
    allowCommunityUsers: false,
    allowRefreshTokens: true,
    requireConsent: true,
    ...input,
    clientType,
    ...(generateSecret ? { generateSecret } : {}),
  });
  const secret = result.generatedSecret ?? input.secret;
  return secret === undefined ? { app: result.app } : { app: result.app, secret };
}

/**
 * Creates a user through the admin service. Defaults: internal, enabled, not an administrator,
 * display name from the login, email <login>@example.com (verified), password `correct horse battery staple`.
 */
export async function createTestUser(
  ctx: AppContext,
  input: Partial<UserInput> & { login: string },
): Promise<{ user: User; password: string }> {
  const password = input.password ?? TEST_PASSWORD;
  const safeLocal = input.login.replace(/[^A-Za-z0-9._-]/g, '_') || 'user';
  const { user } = await new UserService(ctx).create({
    displayName: `Test ${input.login}`,
    email: input.login.includes('@') ? input.login : `${safeLocal}@example.com`,
    emailVerified: true,
    kind: 'internal',
    isAdmin: false,
    enabled: true,
    ...input,
    password,
  });
  return { user, password };
}
