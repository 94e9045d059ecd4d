import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppService } from '../admin/app-service.js';
import { LintService } from '../admin/lint-service.js';
import { AdminError } from '../errors/admin-error.js';
import { isBuiltInClientId } from '../domain/built-in-apps.js';
import { appBody, appsBody } from '../pages/console-apps-page.js';
import { adminDepsFor } from '../admin/admin-deps.js';
import type { ConsoleSession } from './session.js';
import { asAdministrator, changeAsAdministrator, checked, field, lines, sendConsolePage } from './render.js';
import { consolePath, segment } from './paths.js';

type AppParams = { Params: { clientId: string } };
type SecretParams = { Params: { clientId: string; secretId: string } };

/** The apps pages: list and register, show and edit, the kill switch, secrets (added, shown once, revoked). */
export function appPages(ctx: AppContext) {
  const apps = new AppService(ctx);
  /** the service that records this administrator's changes (actor and address) on the audit trail */
  const changer = (request: FastifyRequest, session: ConsoleSession) => new AppService(adminDepsFor(ctx, session.actor, request.ip));

  async function list(reply: FastifyReply, session: ConsoleSession, view: { error?: string; status?: number; notice?: string } = {}) {
    return sendConsolePage(ctx, reply, session, {
      section: 'apps',
      title: 'Apps',
      body: appsBody({ base: consolePath(ctx), csrf: session.csrf, apps: await apps.list(), isBuiltIn: isBuiltInClientId }),
      ...view,
    });
  }

  async function show(
    reply: FastifyReply,
    session: ConsoleSession,
    clientId: string,
    view: { notice?: string; error?: string; status?: number; newSecret?: string; forceRevoke?: string } = {},
  ) {
    const { app, secrets } = await apps.show(clientId);
    const warnings = isBuiltInClientId(app.clientId) ? [] : (await new LintService(ctx).lint(app.clientId)).warnings;
    return sendConsolePage(ctx, reply, session, {
      section: 'apps',
      title: app.displayName,
      notice: view.notice,
      error: view.error,
      status: view.status,
      body: appBody({ base: consolePath(ctx), csrf: session.csrf, app, secrets, builtIn: isBuiltInClientId(app.clientId), newSecret: view.newSecret, forceRevoke: view.forceRevoke, warnings }),
    });
  }

  /** A change, or the service's refusal (nothing changed) to show on the page again. */
  async function refused<T>(run: () => Promise<T>, onRefusal: (error: AdminError) => Promise<FastifyReply>): Promise<{ value: T } | { reply: FastifyReply }> {
    try {
      return { value: await run() };
    } catch (error) {
      if (error instanceof AdminError) return { reply: await onRefusal(error) };
      throw error;
    }
  }

  return {
    list: (request: FastifyRequest, reply: FastifyReply) => asAdministrator(ctx, request, reply, '/apps', (session) => list(reply, session)),

    create: (request: FastifyRequest, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const clientType = field(form, 'clientType') === 'public' ? 'public' : 'confidential';
        const result = await refused(
          () =>
            changer(request, session).create({
              clientId: field(form, 'clientId'),
              displayName: field(form, 'displayName'),
              clientType,
              generateSecret: clientType === 'confidential',
              loginRedirectUris: lines(form, 'loginRedirectUris'),
              logoutRedirectUris: lines(form, 'logoutRedirectUris'),
              scopes: field(form, 'scopes'),
              allowInternalUsers: checked(form, 'allowInternalUsers'),
              allowCommunityUsers: checked(form, 'allowCommunityUsers'),
              allowRefreshTokens: checked(form, 'allowRefreshTokens'),
              requireConsent: checked(form, 'requireConsent'),
              requireMfa: checked(form, 'requireMfa'),
            }),
          (error) => list(reply, session, { error: `The app was not registered: ${error.message}.`, status: 400 }),
        );
        if ('reply' in result) return result.reply;
        const created = result.value;
        return show(reply, session, created.app.clientId, { notice: `App ${created.app.clientId} registered.`, newSecret: created.generatedSecret });
      }),

    show: (request: FastifyRequest<AppParams>, reply: FastifyReply) =>
      asAdministrator(ctx, request, reply, `/apps/${segment(request.params.clientId)}`, async (session) => {
        const result = await refused(() => show(reply, session, request.params.clientId), (error) => list(reply, session, { error: error.message, status: 404 }));
        return 'reply' in result ? result.reply : result.value;
      }),

    update: (request: FastifyRequest<AppParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const { clientId } = request.params;
        const lifetime = (name: string) => (field(form, name) === '' ? undefined : Number(field(form, name)));
        const result = await refused(
          () =>
            changer(request, session).update(clientId, {
              displayName: field(form, 'displayName'),
              loginRedirectUris: lines(form, 'loginRedirectUris'),
              logoutRedirectUris: lines(form, 'logoutRedirectUris'),
              scopes: field(form, 'scopes'),
              allowInternalUsers: checked(form, 'allowInternalUsers'),
              allowCommunityUsers: checked(form, 'allowCommunityUsers'),
              allowRefreshTokens: checked(form, 'allowRefreshTokens'),
              requireConsent: checked(form, 'requireConsent'),
              requireMfa: checked(form, 'requireMfa'),
              accessTokenLifetime: lifetime('accessTokenLifetime'),
              refreshTokenLifetime: lifetime('refreshTokenLifetime'),
            }),
          (error) => show(reply, session, clientId, { error: `Nothing was changed: ${error.message}.`, status: 400 }),
        );
        if ('reply' in result) return result.reply;
        return show(reply, session, clientId, { notice: 'Changes saved.' });
      }),

    setEnabled: (enabled: boolean) => (request: FastifyRequest<AppParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session) => {
        const { clientId } = request.params;
        const result = await refused(
          () => (enabled ? changer(request, session).enable(clientId) : changer(request, session).disable(clientId)),
          (error) => show(reply, session, clientId, { error: error.message, status: 400 }),
        );
        if ('reply' in result) return result.reply;
        return show(reply, session, clientId, { notice: enabled ? 'The app is enabled.' : 'The app is disabled: it can no longer sign users in or get tokens.' });
      }),

    addSecret: (request: FastifyRequest<AppParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const { clientId } = request.params;
        const description = field(form, 'description');
        const result = await refused(
          () => changer(request, session).addSecret(clientId, { generateSecret: true, description: description === '' ? null : description }),
          (error) => show(reply, session, clientId, { error: `No secret was added: ${error.message}.`, status: 400 }),
        );
        if ('reply' in result) return result.reply;
        const added = result.value;
        return show(reply, session, clientId, { notice: `Secret ${added.secret.id} added.`, newSecret: added.generatedSecret });
      }),

    revokeSecret: (request: FastifyRequest<SecretParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const { clientId, secretId } = request.params;
        const result = await refused(
          () => changer(request, session).revokeSecret(clientId, secretId, { force: checked(form, 'force') }),
          (error) =>
            show(reply, session, clientId, {
              error: error.reason === 'last_active_secret' ? `This is the app's last active secret: revoking it locks the app out. Add a new secret first, or revoke it anyway.` : error.message,
              status: 400,
              forceRevoke: error.reason === 'last_active_secret' ? secretId : undefined,
            }),
        );
        if ('reply' in result) return result.reply;
        return show(reply, session, clientId, { notice: `Secret ${secretId} revoked.` });
      }),
  };
}
