import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { reauthenticate, showOverview } from './overview.js';
import { accountCallback } from './callback.js';
import { changePassword } from './password-change.js';
import { createToken, revokeToken } from './tokens-section.js';
import { showPasswordReset, submitPasswordReset } from './password-reset.js';
import { startResetPruning } from './pruner.js';
import {
  accountPasskeyOptions,
  addPasskey,
  backToAccount,
  confirmAccountTotp,
  regenerateRecoveryCodes,
  removeAccountTotp,
  removePasskey,
  renamePasskey,
  startAccountTotp,
} from './second-factors.js';

type TokenParams = { Params: { token: string } };

/** The account area `{issuer}/account`: server-rendered pages over the SSO session, and password resets. */
export function registerAccount(app: FastifyInstance, ctx: AppContext): void {
  const page = { config: { errorStyle: 'page' as const } };
  app.get('/account', page, (request, reply) => showOverview(ctx, request, reply));
  app.get('/account/callback', page, (request, reply) => accountCallback(ctx, request, reply));
  app.get('/account/reauthenticate', page, (request, reply) => reauthenticate(ctx, request, reply));
  app.post('/account/password', page, (request, reply) => changePassword(ctx, request, reply));
  app.post('/account/passkeys/options', page, (request, reply) => accountPasskeyOptions(ctx, request, reply));
  app.post('/account/passkeys', page, (request, reply) => addPasskey(ctx, request, reply));
  app.post('/account/passkeys/rename', page, (request, reply) => renamePasskey(ctx, request, reply));
  app.post('/account/passkeys/remove', page, (request, reply) => removePasskey(ctx, request, reply));
  app.post('/account/totp', page, (request, reply) => startAccountTotp(ctx, request, reply));
  app.post('/account/totp/confirm', page, (request, reply) => confirmAccountTotp(ctx, request, reply));
  app.post('/account/totp/remove', page, (request, reply) => removeAccountTotp(ctx, request, reply));
  app.post('/account/recovery-codes', page, (request, reply) => regenerateRecoveryCodes(ctx, request, reply));
  app.post('/account/done', page, (_request, reply) => backToAccount(ctx, reply));
  app.post('/account/tokens', page, (request, reply) => createToken(ctx, request, reply));
  app.post('/account/tokens/revoke', page, (request, reply) => revokeToken(ctx, request, reply));
  app.get<TokenParams>('/account/reset/:token', page, (request, reply) => showPasswordReset(ctx, request, reply));
  app.post<TokenParams>('/account/reset/:token', page, (request, reply) => submitPasswordReset(ctx, request, reply));
  const stop = startResetPruning(ctx);
  app.addHook('onClose', async () => stop());
}
