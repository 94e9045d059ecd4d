import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { consoleCallback } from './callback.js';
import { appPages } from './apps.js';
import { userPages, USER_ACTIONS } from './users.js';
import { keyPages } from './keys.js';
import { auditPages } from './audit.js';
import { asAdministrator } from './render.js';
import { consoleUrl } from './paths.js';

type AppParams = { Params: { clientId: string } };
type SecretParams = { Params: { clientId: string; secretId: string } };
type UserParams = { Params: { user: string } };

/**
 * The web console `{issuer}/admin/`: server-rendered pages (no JavaScript, strict CSP) for administrators,
 * signed in through the console app; every change goes through the admin services and is audited with its
 * actor. Forms carry a CSRF token bound to the session.
 */
export function registerConsole(app: FastifyInstance, ctx: AppContext): void {
  const page = { config: { errorStyle: 'page' as const } };
  const apps = appPages(ctx);
  const users = userPages(ctx);
  const keys = keyPages(ctx);
  const audit = auditPages(ctx);
  const start = (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) =>
    asAdministrator(ctx, request, reply, '', async () => reply.code(303).header('Location', consoleUrl(ctx, '/apps')).send());
  app.get('/admin', page, start);
  app.get('/admin/', page, start);
  app.get('/admin/callback', page, (request, reply) => consoleCallback(ctx, request, reply));

  app.get('/admin/apps', page, apps.list);
  app.post('/admin/apps', page, apps.create);
  app.get<AppParams>('/admin/apps/:clientId', page, apps.show);
  app.post<AppParams>('/admin/apps/:clientId', page, apps.update);
  app.post<AppParams>('/admin/apps/:clientId/enable', page, apps.setEnabled(true));
  app.post<AppParams>('/admin/apps/:clientId/disable', page, apps.setEnabled(false));
  app.post<AppParams>('/admin/apps/:clientId/secrets', page, apps.addSecret);
  app.post<SecretParams>('/admin/apps/:clientId/secrets/:secretId/revoke', page, apps.revokeSecret);

  app.get('/admin/users', page, users.list);
  app.post('/admin/users', page, users.create);
  app.get<UserParams>('/admin/users/:user', page, users.show);
  for (const action of USER_ACTIONS) app.post<UserParams>(`/admin/users/:user/${action}`, page, users.action(action));

  app.get('/admin/keys', page, keys.list);
  app.post('/admin/keys/rotate', page, keys.rotate);

  app.get('/admin/audit', page, audit.list);
  app.get<AppParams>('/admin/apps/:clientId/failures', page, audit.failures);
}
