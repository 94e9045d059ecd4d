import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Interaction } from '../domain/interaction.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import { pageError, unauthorizedClient } from '../errors/oauth-error.js';
import { constantTimeEqual, sha256 } from '../tokens/opaque.js';
import { INTERACTION_COOKIE, readCookie } from '../authorization/cookies.js';
import { csrfMatches, csrfToken } from '../authorization/csrf.js';
import { SingleParams } from '../http/single-params.js';

export interface BoundInteraction {
  interaction: Interaction;
  app: TrustedApplication;
  /** CSRF token for the forms rendered for this interaction */
  csrf: string;
  /** form fields (POST only) */
  form: SingleParams;
}

const ID_SHAPE = /^[A-Za-z0-9_-]{32}$/;

const RESTART = 'Return to the app and sign in again.';

/**
 * Loads an interaction for this browser: it must exist, be unexpired and not completed, belong to
 * the browser holding the interaction cookie, and (for forms) carry the right CSRF token. The app
 * must still be registered and enabled (kill switch).
 */
export async function loadBoundInteraction(
  ctx: AppContext,
  request: FastifyRequest,
  id: string,
  isForm: boolean,
): Promise<BoundInteraction> {
  if (!ID_SHAPE.test(id)) throw pageError(`This sign-in request does not exist. ${RESTART}`, { status: 404 });
  const interaction = await ctx.store.interactions.get(id);
  if (!interaction) throw pageError(`This sign-in request does not exist or has expired. ${RESTART}`, { status: 404 });
  if (interaction.completedAt !== null) {
    throw pageError(`This sign-in request was already completed and cannot be used again. ${RESTART}`);
  }
  if (interaction.expiresAt <= ctx.now()) throw pageError(`This sign-in request has expired. ${RESTART}`);
  const browserSecret = readCookie(request, ctx.config, INTERACTION_COOKIE);
  if (!browserSecret || !constantTimeEqual(sha256(browserSecret), interaction.browserHash)) {
    throw pageError(`This sign-in request was started in another browser (or its cookie is missing). ${RESTART}`, { status: 403 });
  }
  const form = isForm ? SingleParams.fromForm(request, (d) => pageError(d)) : SingleParams.fromBody(undefined);
  if (isForm) {
    let submitted: string | undefined;
    try {
      submitted = form.get('csrf');
    } catch {
      submitted = undefined;
    }
    if (!csrfMatches(submitted, interaction.csrfHash)) {
      throw pageError('The form could not be verified (CSRF token missing or wrong). Reload the page and try again.', { status: 403 });
    }
  }
  const registered = await ctx.clients.get(interaction.clientId);
  if (!registered) throw pageError('The app of this sign-in request is no longer registered.', { code: 'invalid_client' });
  if (!registered.app.enabled) {
    const error = unauthorizedClient(`The app "${registered.app.displayName}" is disabled.`, { redirectable: false });
    throw error;
  }
  return { interaction, app: registered.app, csrf: csrfToken(browserSecret, id), form };
}
