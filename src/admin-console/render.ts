import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { CONSOLE_CLIENT_ID } from '../domain/built-in-apps.js';
import { setPageHeaders } from '../http/security-headers.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { consolePage, type ConsoleSection } from '../pages/console-page.js';
import type { SafeHtml } from '../pages/html.js';
import { accountMessagePage } from '../pages/account-message-page.js';
import { pageError } from '../errors/oauth-error.js';
import { SingleParams } from '../http/single-params.js';
import { consoleCsrfAccepted, consoleSession, type ConsoleSession } from './session.js';
import { startConsoleSignIn } from './sign-in.js';
import { consolePath } from './paths.js';

export interface ConsoleView {
  section: ConsoleSection | undefined;
  title: string;
  body: SafeHtml;
  notice?: string | SafeHtml;
  error?: string;
  status?: number;
}

export function sendConsolePage(ctx: AppContext, reply: FastifyReply, session: ConsoleSession, view: ConsoleView): FastifyReply {
  setPageHeaders(reply);
  return reply
    .code(view.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(
      consolePage({
        instanceName: ctx.config.instanceName,
        stylesheet: stylesheetPath(ctx.config),
        base: consolePath(ctx),
        login: session.live.user.login,
        signOutHref: `${ctx.config.issuerPath}/connect/endsession?${new URLSearchParams({ client_id: CONSOLE_CLIENT_ID })}`,
        ...view,
      }),
    );
}

function sendMessage(ctx: AppContext, reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  setPageHeaders(reply);
  return reply.code(status).type('text/html; charset=utf-8').send(
    accountMessagePage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      title,
      message,
      kind: 'error',
      link: { href: `${ctx.config.issuerPath}/connect/endsession?${new URLSearchParams({ client_id: CONSOLE_CLIENT_ID })}`, text: 'Sign out' },
    }),
  );
}

type Handler = (session: ConsoleSession) => Promise<FastifyReply>;

/**
 * Runs a console GET for a signed-in administrator: nobody signed in → the console's sign-in (back to
 * `returnTo` afterwards); a user who is not an administrator → 403.
 */
export async function asAdministrator(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, returnTo: string, handler: Handler): Promise<FastifyReply> {
  const session = await consoleSession(ctx, request);
  if (session === undefined) return startConsoleSignIn(ctx, reply, returnTo);
  if (session === 'forbidden') return notAdministrator(ctx, reply);
  return handler(session);
}

/** Runs a console form POST: also needs this session's CSRF token; nothing changes without it. */
export async function changeAsAdministrator(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  handler: (session: ConsoleSession, form: SingleParams) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  const session = await consoleSession(ctx, request);
  if (session === undefined) return startConsoleSignIn(ctx, reply);
  if (session === 'forbidden') return notAdministrator(ctx, reply);
  const form = SingleParams.fromForm(request, (description) => pageError(description));
  if (!consoleCsrfAccepted(session, form.get('csrf', (d) => pageError(d)))) {
    return sendMessage(ctx, reply, 403, 'Nothing was changed', 'The form could not be verified: it was not sent from the console in this session. Nothing was changed.');
  }
  return handler(session, form);
}

function notAdministrator(ctx: AppContext, reply: FastifyReply): FastifyReply {
  return sendMessage(ctx, reply, 403, 'Administrators only', 'You are signed in, but you are not an administrator of this server. Ask an administrator to give you the administrator flag (trustgate user update <login> --admin).');
}

/** A form field as text ('' when absent). */
export function field(form: SingleParams, name: string): string {
  return form.get(name, (d) => pageError(d)) ?? '';
}

/** A textarea of one value per line. */
export function lines(form: SingleParams, name: string): string[] {
  return field(form, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export function checked(form: SingleParams, name: string): boolean {
  return field(form, name) === 'yes';
}
