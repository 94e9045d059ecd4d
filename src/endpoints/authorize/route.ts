import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { OAuthError, pageError } from '../../errors/oauth-error.js';
import { SingleParams } from '../../http/single-params.js';
import { resolveTarget, validateAuthorizeRequest, type TrustedTarget } from './validate.js';
import { redirectError } from '../../authorization/redirect-error.js';
import { startSignIn } from '../../authorization/sign-in.js';
import { resolvePushedRequest } from '../../authorization/pushed-request.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';

/** /connect/authorize (GET and POST): OpenID Connect Core 3.1.2, RFC 6749 4.1, RFC 7636, RFC 9207. */
export function registerAuthorize(app: FastifyInstance, ctx: AppContext): void {
  const options = { config: { errorStyle: 'page' as const } };
  app.get('/connect/authorize', options, (request, reply) => authorize(ctx, request, reply, SingleParams.fromQuery(request)));
  app.post('/connect/authorize', options, (request, reply) =>
    authorize(ctx, request, reply, SingleParams.fromForm(request, (d) => pageError(d))),
  );
  registerMethodNotAllowed(app, '/connect/authorize', ['GET', 'POST'], false);
}

async function authorize(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  sent: SingleParams,
): Promise<FastifyReply> {
  // a pushed request (RFC 9126): its parameters replace what was sent
  const { params, pushed } = await resolvePushedRequest(ctx, sent);
  let target: TrustedTarget;
  try {
    target = await resolveTarget(ctx, params);
  } catch (error) {
    const carried = (error as { target?: TrustedTarget }).target;
    if (error instanceof OAuthError && carried) return redirectError(ctx, reply, carried.app, carried, error);
    throw error;
  }
  try {
    const validated = await validateAuthorizeRequest(ctx, target, params, { pushed });
    return await startSignIn(ctx, request, reply, target.app, validated);
  } catch (error) {
    if (error instanceof OAuthError && error.redirectable && error.status < 500) {
      return redirectError(ctx, reply, target.app, target, error);
    }
    throw error;
  }
}
