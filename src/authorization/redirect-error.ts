import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { deliverToApp, type ResponseMode } from './deliver.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { recordRefusal } from '../http/refusal-audit.js';

/**
 * Sends an error to the app's (already verified) redirect URI with error_description, state and iss,
 * after recording it on the app's failure trail.
 */
export async function redirectError(
  ctx: AppContext,
  reply: FastifyReply,
  app: TrustedApplication,
  target: { redirectUri: string; responseMode: ResponseMode; state: string | null },
  error: OAuthError,
): Promise<FastifyReply> {
  await recordRefusal(ctx, reply.request, error, app);
  return deliverToApp(
    reply,
    target.redirectUri,
    target.responseMode,
    { error: error.code, error_description: error.description, state: target.state, iss: ctx.config.issuer },
    app.displayName,
    ctx.config.instanceName,
    stylesheetPath(ctx.config),
  );
}
