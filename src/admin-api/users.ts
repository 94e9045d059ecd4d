import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { UserService, type NewUserInput, type UserChanges } from '../admin/user-service.js';
import { servicesFor } from './plugin-support.js';
import { errorResponses, iso, object, userJson, userSchema } from './schemas.js';

type UserParams = { Params: { user: string } };

const userParams = object({ user: { type: 'string', description: 'login or id' } });
const userResult = object({ user: userSchema });
const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] };
const profile = {
  displayName: { type: 'string' },
  email: nullableString,
  emailVerified: { type: 'boolean' },
  locale: nullableString,
  kind: { type: 'string', enum: ['internal', 'community'] },
  isAdmin: { type: 'boolean' },
} as const;
const tags = ['users'];

/** Users, through UserService (the same rules as `trustgate user`). */
export function registerUserRoutes(api: FastifyInstance, ctx: AppContext): void {
  const simple = (path: string, summary: string, run: (users: UserService, user: string) => Promise<import('../domain/user.js').User>) =>
    api.post<UserParams>(`/users/:user/${path}`, {
      schema: { tags, summary, params: userParams, response: { 200: userResult, ...errorResponses } },
    }, async (request) => {
      const user = await run(servicesFor(ctx, request).users, request.params.user);
      return { user: userJson(user) };
    });

  api.get('/users', {
    schema: { tags, summary: 'List users', response: { 200: object({ users: { type: 'array', items: userSchema } }), ...errorResponses } },
  }, async (request) => ({ users: (await servicesFor(ctx, request).users.list()).map(userJson) }));

  api.post('/users', {
    schema: {
      tags,
      summary: 'Create a user',
      body: object(
        { login: { type: 'string' }, password: { type: 'string' }, enabled: { type: 'boolean' }, requireMfa: { type: 'boolean' }, ...profile },
        ['login', 'displayName', 'kind', 'password'],
      ),
      response: { 201: userResult, ...errorResponses },
    },
  }, async (request, reply) => {
    const { user } = await servicesFor(ctx, request).users.create(request.body as NewUserInput);
    return reply.code(201).send({ user: userJson(user) });
  });

  api.get<UserParams>('/users/:user', {
    schema: { tags, summary: 'Show a user', params: userParams, response: { 200: userResult, ...errorResponses } },
  }, async (request) => ({ user: userJson(await servicesFor(ctx, request).users.show(request.params.user)) }));

  api.patch<UserParams>('/users/:user', {
    schema: { tags, summary: "Change a user's profile, kind or administrator flag", params: userParams, body: object(profile, []), response: { 200: userResult, ...errorResponses } },
  }, async (request) => {
    const user = await servicesFor(ctx, request).users.update(request.params.user, request.body as UserChanges);
    return { user: userJson(user) };
  });

  simple('enable', 'Allow a user to sign in again', (users, user) => users.enable(user));
  simple('disable', 'Disable a user (sessions end, refresh tokens are revoked)', (users, user) => users.disable(user));
  simple('end-sessions', "End the user's sessions and revoke their refresh tokens", (users, user) => users.endSessions(user));

  api.post<UserParams>('/users/:user/unlock', {
    schema: {
      tags,
      summary: "Clear the user's sign-in throttle counters",
      params: userParams,
      response: { 200: object({ user: userSchema, cleared: { type: 'integer' } }), ...errorResponses },
    },
  }, async (request) => {
    const { user, cleared } = await servicesFor(ctx, request).users.unlock(request.params.user);
    return { user: userJson(user), cleared };
  });

  api.post<UserParams>('/users/:user/require-mfa', {
    schema: {
      tags,
      summary: 'Require (or no longer require) a second factor at every sign-in',
      params: userParams,
      body: object({ required: { type: 'boolean' } }),
      response: { 200: userResult, ...errorResponses },
    },
  }, async (request) => {
    const user = await servicesFor(ctx, request).users.setRequireMfa(request.params.user, (request.body as { required: boolean }).required);
    return { user: userJson(user) };
  });

  api.get<UserParams>('/users/:user/second-factors', {
    schema: {
      tags,
      summary: 'Which second factors the user has (never their secrets)',
      params: userParams,
      response: { 200: object({ required: { type: 'boolean' }, totp: { type: 'boolean' }, recoveryCodesLeft: { type: 'integer' } }), ...errorResponses },
    },
  }, async (request) => {
    const { user, totp, recoveryCodesLeft } = await servicesFor(ctx, request).users.secondFactors(request.params.user);
    return { required: user.requireMfa, totp, recoveryCodesLeft };
  });

  api.post<UserParams>('/users/:user/second-factors/reset', {
    schema: {
      tags,
      summary: "Remove the user's second factors (a lost phone); their sessions end",
      params: userParams,
      response: { 200: object({ user: userSchema, removed: { type: 'integer' } }), ...errorResponses },
    },
  }, async (request) => {
    const { user, removed } = await servicesFor(ctx, request).users.resetSecondFactors(request.params.user);
    return { user: userJson(user), removed };
  });

  api.post<UserParams>('/users/:user/reset-link', {
    schema: {
      tags,
      summary: 'A one-time link at which the user sets a new password (shown once)',
      params: userParams,
      response: { 201: object({ url: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } }), ...errorResponses },
    },
  }, async (request, reply) => {
    const link = await servicesFor(ctx, request).users.createResetLink(request.params.user);
    return reply.code(201).send({ url: link.url, expiresAt: iso(link.expiresAt) });
  });
}
