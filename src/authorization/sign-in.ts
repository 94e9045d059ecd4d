import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AuthorizationRequest, Interaction } from '../domain/interaction.js';
import { allowsUserKind, type TrustedApplication } from '../domain/trusted-application.js';
import { authenticationIsFresh } from '../domain/session.js';
import { ungrantedScopes } from '../domain/consent.js';
import { consentRequired, interactionRequired, loginRequired } from '../errors/oauth-error.js';
import { requestedLevel, satisfiesLevel, type AcrValue } from '../domain/authentication-level.js';
import type { User } from '../domain/user.js';
import { requiredLevel } from '../second-factors/policy.js';
import { randomToken, sha256 } from '../tokens/opaque.js';
import { issueCode } from './issue-code.js';
import { INTERACTION_COOKIE, readCookie, setInteractionCookie } from './cookies.js';
import { csrfToken } from './csrf.js';
import { currentSessionForApp, touchSession, type LiveSession } from './sessions.js';

/** Why the user must (re)authenticate before this request can complete; undefined when the session will do. */
export function loginNeededBecause(
  app: TrustedApplication,
  req: AuthorizationRequest,
  live: LiveSession | undefined,
  now: number,
): string | undefined {
  if (!live) return 'the user is not signed in';
  if (req.prompt.includes('login')) return 'prompt=login asks for a new sign-in';
  if (!authenticationIsFresh(live.session.authTime, req.maxAge, now)) {
    return 'the last sign-in is older than max_age';
  }
  if (req.idTokenHintSubject !== null && req.idTokenHintSubject !== live.user.id) {
    return 'the signed-in user is not the user named by id_token_hint';
  }
  if (!allowsUserKind(app, live.user.kind)) return `the signed-in user is a ${live.user.kind} user, which this app does not allow`;
  return undefined;
}

/** The level this sign-in must reach for this user (their second factor, the app's or user's policy, acr_values). */
export function levelFor(app: TrustedApplication, req: AuthorizationRequest, user: User): AcrValue {
  return requiredLevel({ user, app, enrolled: user.hasSecondFactor, requested: requestedLevel(req.acrValues ?? []) });
}

/** Whether the consent page must be shown for this user. */
export async function consentNeeded(ctx: AppContext, app: TrustedApplication, req: AuthorizationRequest, userId: string) {
  return consentNeededGiven(app, req, () => ctx.store.consents.get(userId, app.clientId));
}

/** The same, given the scopes the user allowed the app (read only when they matter). */
async function consentNeededGiven(
  app: TrustedApplication,
  req: AuthorizationRequest,
  granted: () => Promise<readonly string[]> | readonly string[],
): Promise<boolean> {
  if (req.prompt.includes('consent')) return true;
  if (!app.requireConsent) return false;
  return ungrantedScopes(req.scope, await granted()).length > 0;
}

/**
 * After /connect/authorize validated the request: complete silently from the SSO session, or start
 * an interaction (login or consent page). prompt=none never shows a page.
 */
export async function startSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  app: TrustedApplication,
  req: AuthorizationRequest,
): Promise<FastifyReply> {
  // session, user and consent in one read (a silent authorization then only writes its code)
  const live = await currentSessionForApp(ctx, request, app.clientId);
  const loginReason = loginNeededBecause(app, req, live, ctx.now());
  const silent = req.prompt.includes('none');
  if (loginReason !== undefined) {
    if (silent) throw loginRequired(`${loginReason} and prompt=none forbids showing the sign-in page`);
    return startInteraction(ctx, request, reply, app, req, undefined);
  }
  const session = live!;
  if (!satisfiesLevel(session.session.amr, levelFor(app, req, session.user))) {
    // step-up: the signed-in user proves a further factor, without signing in from scratch
    if (silent) throw interactionRequired('this request needs a second factor the session has not used, and prompt=none forbids asking');
    return startInteraction(ctx, request, reply, app, req, undefined, { userId: session.user.id, amr: session.session.amr, sid: session.session.sid });
  }
  if (await consentNeededGiven(app, req, () => session.consentedScopes)) {
    if (silent) throw consentRequired('the user has not allowed this app the requested scopes and prompt=none forbids asking');
    return startInteraction(ctx, request, reply, app, req, session);
  }
  await touchSession(ctx, session.session);
  return issueCode(ctx, reply, app, req, session.user, session.session);
}

/** Stores the pending request, binds it to this browser and sends the browser to the interaction page. */
async function startInteraction(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  app: TrustedApplication,
  req: AuthorizationRequest,
  live: LiveSession | undefined,
  stepUp?: { userId: string; amr: string[]; sid: string },
): Promise<FastifyReply> {
  const now = ctx.now();
  const browserSecret = await issuedBrowserSecret(ctx, request, now);
  const id = randomToken(24);
  const interaction: Interaction = {
    id,
    browserHash: sha256(browserSecret),
    csrfHash: sha256(csrfToken(browserSecret, id)),
    clientId: app.clientId,
    request: req,
    userId: live?.user.id ?? null,
    sessionSid: live?.session.sid ?? stepUp?.sid ?? null,
    createdAt: now,
    expiresAt: now + ctx.config.interactionLifetimeSeconds * 1000,
    completedAt: null,
    pendingUserId: stepUp?.userId ?? null,
    pendingAmr: stepUp?.amr ?? null,
  };
  await ctx.store.interactions.insert(interaction);
  setInteractionCookie(reply, ctx.config, browserSecret);
  return reply.code(303).header('Cache-Control', 'no-store').header('Location', interactionUrl(ctx, id)).send();
}

/**
 * The browser secret that binds interactions to this browser: the interaction cookie when the server
 * issued it (a live interaction of this browser has its hash), so several tabs keep working; otherwise
 * (none, or a value planted by someone else, who could then compute the forms' CSRF tokens) a new one.
 */
async function issuedBrowserSecret(ctx: AppContext, request: FastifyRequest, now: number): Promise<string> {
  const presented = readCookie(request, ctx.config, INTERACTION_COOKIE);
  if (presented !== undefined && (await ctx.store.interactions.isBrowserBound(sha256(presented), now))) return presented;
  return randomToken(32);
}

export type InteractionAction =
  | 'login' | 'consent' | 'abort' | 'second-factor' | 'enrol-totp' | 'continue' | 'passkey' | 'passkey-options' | 'enrol-passkey';

export function interactionUrl(ctx: AppContext, id: string, action?: InteractionAction): string {
  return `${ctx.config.issuer}/connect/interaction/${id}${action ? `/${action}` : ''}`;
}

export function interactionPath(ctx: AppContext, id: string, action?: InteractionAction): string {
  return `${ctx.config.issuerPath}/connect/interaction/${id}${action ? `/${action}` : ''}`;
}
