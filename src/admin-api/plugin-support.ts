import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppService } from '../admin/app-service.js';
import { UserService } from '../admin/user-service.js';
import { AccessService } from '../admin/access-service.js';
import { KeyService } from '../admin/key-service.js';
import { AuditService } from '../admin/audit-service.js';
import { LintService } from '../admin/lint-service.js';
import { ApiService } from '../admin/api-service.js';
import { ReferenceTokenService } from '../admin/reference-token-service.js';
import { adminDepsFor, type AdminActor } from '../admin/admin-deps.js';

/** The authenticated caller (the plugin's onRequest hook set it before any route runs). */
export function actorOf(request: FastifyRequest): AdminActor {
  const actor = request.adminActor;
  if (!actor) throw new Error('admin route without an authenticated actor');
  return actor;
}

/** The admin services for this request, recording every change with its actor and source address. */
export function servicesFor(ctx: AppContext, request: FastifyRequest) {
  const deps = adminDepsFor(ctx, actorOf(request), request.ip);
  return {
    apps: new AppService(deps),
    users: new UserService(deps),
    access: new AccessService(deps),
    keys: new KeyService(deps),
    audit: new AuditService(deps),
    lint: new LintService(deps),
    apis: new ApiService(deps),
    tokens: new ReferenceTokenService(deps),
  };
}
