import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { registerHealth } from '../endpoints/health/route.js';
import { registerDiscovery } from '../endpoints/discovery/route.js';
import { registerJwks } from '../endpoints/jwks/route.js';
import { registerAuthorize } from '../endpoints/authorize/route.js';
import { registerInteraction } from '../interaction/routes.js';
import { registerEndSession } from '../endpoints/end-session/route.js';
import { registerToken } from '../endpoints/token/route.js';
import { registerUserinfo } from '../endpoints/userinfo/route.js';
import { registerRevocation } from '../endpoints/revocation/route.js';
import { registerIntrospection } from '../endpoints/introspection/route.js';
import { registerAccount } from '../account/routes.js';
import { registerPar } from '../endpoints/par/route.js';
import { registerIssuerRoot } from '../endpoints/issuer-root/route.js';
import { registerAssets } from './assets.js';
import { registerAdminApi } from '../admin-api/routes.js';
import { registerConsole } from '../admin-console/routes.js';
import { registerRevocationFeed } from '../endpoints/revocation-feed/route.js';

/**
 * The route table. Protocol endpoints live under the issuer's path (e.g. /id/connect/token);
 * health probes live at the root of the node.
 */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  registerHealth(app, ctx);
  await app.register(
    async (issuer) => {
      registerAssets(issuer, ctx);
      registerDiscovery(issuer, ctx);
      registerJwks(issuer, ctx);
      registerAuthorize(issuer, ctx);
      registerInteraction(issuer, ctx);
      registerEndSession(issuer, ctx);
      registerToken(issuer, ctx);
      registerPar(issuer, ctx);
      registerUserinfo(issuer, ctx);
      registerRevocation(issuer, ctx);
      registerIntrospection(issuer, ctx);
      registerRevocationFeed(issuer, ctx);
      registerAccount(issuer, ctx);
      registerIssuerRoot(issuer, ctx);
      await registerAdminApi(issuer, ctx);
      registerConsole(issuer, ctx);
    },
    { prefix: ctx.config.issuerPath },
  );
}
