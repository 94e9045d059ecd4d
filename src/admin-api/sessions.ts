import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { AccessService } from '../admin/access-service.js';
import { servicesFor } from './plugin-support.js';
import { errorResponses, familyJson, familySchema, object, sessionJson, sessionSchema } from './schemas.js';

type UserParams = { Params: { user: string } };
const userParams = object({ user: { type: 'string', description: 'login or id' } });
const tags = ['sessions'];

/** Sign-in sessions and refresh-token families, through AccessService. */
export function registerSessionRoutes(api: FastifyInstance, ctx: AppContext): void {

  api.get<UserParams>('/users/:user/sessions', {
    schema: {
      tags,
      summary: "The user's live sign-in sessions",
      params: userParams,
      response: { 200: object({ sessions: { type: 'array', items: sessionSchema } }), ...errorResponses },
    },
  }, async (request) => ({ sessions: (await servicesFor(ctx, request).access.sessionsOf(request.params.user)).sessions.map(sessionJson) }));

  api.get<UserParams>('/users/:user/refresh-families', {
    schema: {
      tags,
      summary: "The user's live refresh-token families",
      params: userParams,
      response: { 200: object({ families: { type: 'array', items: familySchema } }), ...errorResponses },
    },
  }, async (request) => ({ families: (await servicesFor(ctx, request).access.familiesOfUser(request.params.user)).map(familyJson) }));

  api.post<{ Params: { sid: string } }>('/sessions/:sid/end', {
    schema: {
      tags,
      summary: 'End one sign-in session',
      params: object({ sid: { type: 'string' } }),
      response: { 200: object({ session: sessionSchema }), ...errorResponses },
    },
  }, async (request) => {
    const session = await servicesFor(ctx, request).access.endSession(request.params.sid);
    return { session: sessionJson(session) };
  });

  api.post<{ Params: { familyId: string } }>('/refresh-families/:familyId/revoke', {
    schema: {
      tags,
      summary: 'Revoke a refresh-token family (its access tokens are denied too)',
      params: object({ familyId: { type: 'string' } }),
      response: { 200: object({ family: familySchema }), ...errorResponses },
    },
  }, async (request) => {
    const family = await servicesFor(ctx, request).access.revokeFamily(request.params.familyId);
    return { family: familyJson(family) };
  });
}
