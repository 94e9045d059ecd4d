import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Interaction } from '../domain/interaction.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import { OAuthError, unauthorizedClient } from '../errors/oauth-error.js';
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

/** A page-only error (never redirected to an app). */
function pageError(status: number, description: string, code = 'invalid_request'): OAuthError {
  return new OAuthError(code, description, { status, redirectable: false });
}

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
  if (!ID_SHAPE.test(id)) throw pageError(404, `This sign-in request does not exist. ${RESTART}`);
  const interaction = await ctx.store.interactions.get(id);
  if (!interaction) throw pageError(404, `This sign-in request does not exist or has expired. ${RESTART}`);
  if (interaction.completedAt !== null) {
    throw pageError(400, `This sign-in request was already completed and cannot be used again. ${RESTART}`);
  }
  if (interaction.expiresAt <= ctx.now()) throw pageError(400, `This sign-in request has expired. ${RESTART}`);
  const browserSecret = readCookie(request, INTERACTION_COOKIE);
  if (!browserSecret || !constantTimeEqual(sha256(browserSecret), interaction.browserHash)) {
    throw pageError(
      403,
      `This sign-in request was started in another browser (or its cookie is missing). ${RESTART}`,
    );
  }
  const form = isForm ? SingleParams.fromForm(request, (d) => pageError(400, d)) : SingleParams.fromBody(undefined);
  if (isForm) {
    let submitted: string | undefined;
    try {
      submitted = form.get('csrf');
    } catch {
      submitted = undefined;
    }
    if (!csrfMatches(submitted, interaction.csrfHash)) {
      throw pageError(403, 'The form could not be verified (CSRF token missing or wrong). Reload the page and try again.');
    }
  }
  const registered = await ctx.clients.get(interaction.clientId);
  if (!registered) throw pageError(400, 'The app of this sign-in request is no longer registered.', 'invalid_client');
  if (!registered.app.enabled) {
    const error = unauthorizedClient(`The app "${registered.app.displayName}" is disabled.`, { redirectable: false });
    throw error;
  }
  return { interaction, app: registered.app, csrf: csrfToken(browserSecret, id), form };
}
