import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { KeyService } from '../admin/key-service.js';
import { servicesFor } from './plugin-support.js';
import { errorResponses, keyJson, keySchema, object, stagedKeyJson, stagedKeySchema } from './schemas.js';

const tags = ['keys'];

/** Signing keys, through KeyService (the same rules as `trustgate keys`). */
export function registerKeyRoutes(api: FastifyInstance, ctx: AppContext): void {

  api.get('/keys', {
    schema: { tags, summary: 'Signing keys and their stages', response: { 200: object({ keys: { type: 'array', items: keySchema } }), ...errorResponses } },
  }, async (request) => ({ keys: (await servicesFor(ctx, request).keys.list()).map(keyJson) }));

  api.post('/keys/rotate', {
    schema: {
      tags,
      summary: 'Rotate the signing keys (published now, signing once cached JWKS expired; immediately for emergencies)',
      body: object({ immediately: { type: 'boolean' } }, []),
      response: { 200: object({ keys: { type: 'array', items: stagedKeySchema } }), ...errorResponses },
    },
  }, async (request) => {
    const immediately = (request.body as { immediately?: boolean } | undefined)?.immediately === true;
    const staged = await servicesFor(ctx, request).keys.rotate(ctx.keys, { immediately });
    return { keys: staged.map(stagedKeyJson) };
  });
}
