import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { PASSKEY_SCRIPT, WEBAUTHN_BROWSER_SCRIPT } from '../pages/passkey-script.js';
import { showInteraction } from './show.js';
import { submitLogin } from './login.js';
import { submitConsent } from './consent.js';
import { abortInteraction } from './abort.js';
import { continueAfterEnrolment, submitSecondFactor, submitTotpEnrolment } from './second-factor.js';
import { startSignInPruning } from './pruner.js';
import { passkeyOptions, submitPasskey, submitPasskeyEnrolment } from './passkey.js';

type IdParams = { Params: { id: string } };

/** The sign-in pages (login, consent, second factor) of a pending interaction (their stylesheet: http/assets.ts). */
export function registerInteraction(app: FastifyInstance, ctx: AppContext): void {
  const page = { config: { errorStyle: 'page' as const } };
  app.get<IdParams>('/connect/interaction/:id', page, (request, reply) => showInteraction(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/login', page, (request, reply) => submitLogin(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/consent', page, (request, reply) => submitConsent(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/abort', page, (request, reply) => abortInteraction(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/second-factor', page, (request, reply) => submitSecondFactor(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/enrol-totp', page, (request, reply) => submitTotpEnrolment(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/continue', page, (request, reply) => continueAfterEnrolment(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/passkey-options', page, (request, reply) => passkeyOptions(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/passkey', page, (request, reply) => submitPasskey(ctx, request, reply));
  app.post<IdParams>('/connect/interaction/:id/enrol-passkey', page, (request, reply) => submitPasskeyEnrolment(ctx, request, reply));
  const script = (body: string) => (_request: unknown, reply: FastifyReply) =>
    reply.header('Cache-Control', 'public, max-age=86400').type('text/javascript; charset=utf-8').send(body);
  app.get('/assets/webauthn-browser.js', script(WEBAUTHN_BROWSER_SCRIPT));
  app.get('/assets/passkey.js', script(PASSKEY_SCRIPT));
  const stop = startSignInPruning(ctx);
  app.addHook('onClose', async () => stop());
}
