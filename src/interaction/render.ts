import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { BoundInteraction } from './load.js';
import type { User } from '../domain/user.js';
import { setPageHeaders } from '../http/security-headers.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { loginPage } from '../pages/login-page.js';
import { consentPage } from '../pages/consent-page.js';
import { blockedPage } from '../pages/blocked-page.js';
import { interactionPath } from '../authorization/sign-in.js';
import { passkeySignInForm, passkeysAvailable } from './passkey-forms.js';
import { pageText, requestMessages, type PageText } from '../http/page-language.js';

function send(reply: FastifyReply, status: number, redirectUri: string, body: string, scripts = false): FastifyReply {
  // the redirect that follows a form submission must be allowed by form-action (Chromium enforces it)
  setPageHeaders(reply, [redirectUri], { scripts });
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

export function renderLogin(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  options: { status?: number; login?: string; error?: PageText; notice?: PageText } = {},
): FastifyReply {
  const { interaction, app, csrf } = bound;
  const passkeys = passkeysAvailable(ctx);
  const m = requestMessages(reply.request, interaction.request.uiLocales);
  return send(
    reply,
    options.status ?? 200,
    interaction.request.redirectUri,
    loginPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      appName: app.displayName,
      action: interactionPath(ctx, interaction.id, 'login'),
      cancelAction: interactionPath(ctx, interaction.id, 'abort'),
      csrf,
      login: options.login ?? interaction.request.loginHint ?? '',
      error: pageText(options.error, m),
      notice: pageText(options.notice, m),
      messages: m,
      passkey: passkeys ? passkeySignInForm(ctx, bound, m) : undefined,
    }),
    passkeys,
  );
}

export function renderConsent(ctx: AppContext, reply: FastifyReply, bound: BoundInteraction, user: User): FastifyReply {
  const { interaction, app, csrf } = bound;
  return send(
    reply,
    200,
    interaction.request.redirectUri,
    consentPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      appName: app.displayName,
      clientId: app.clientId,
      userName: user.displayName || user.login,
      action: interactionPath(ctx, interaction.id, 'consent'),
      csrf,
      scopes: interaction.request.scope,
      messages: requestMessages(reply.request, interaction.request.uiLocales),
    }),
  );
}

export function renderBlocked(ctx: AppContext, reply: FastifyReply, bound: BoundInteraction, message: PageText): FastifyReply {
  const { interaction, app, csrf } = bound;
  const m = requestMessages(reply.request, interaction.request.uiLocales);
  return send(
    reply,
    403,
    interaction.request.redirectUri,
    blockedPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      appName: app.displayName,
      message: pageText(message, m)!,
      action: interactionPath(ctx, interaction.id, 'abort'),
      csrf,
      messages: m,
    }),
  );
}
