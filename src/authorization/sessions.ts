import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { isSessionLive, sessionNeedsTouch, type Session } from '../domain/session.js';
import { randomToken, randomId, sha256 } from '../tokens/opaque.js';
import { SESSION_COOKIE, readCookie, setSessionCookie } from './cookies.js';

export interface LiveSession {
  session: Session;
  user: User;
}

function lifetimes(ctx: AppContext) {
  return {
    idleMs: ctx.config.sessionIdleLifetimeSeconds * 1000,
    absoluteMs: ctx.config.sessionAbsoluteLifetimeSeconds * 1000,
  };
}

/** Slides the session's idle expiry after a use (at most once per tenth of the idle lifetime). */
export async function touchSession(ctx: AppContext, session: Session): Promise<void> {
  const now = ctx.now();
  if (sessionNeedsTouch(session, now, lifetimes(ctx))) await ctx.store.sessions.touch(session.idHash, now);
}

/** The session if it is live and its user still exists and is enabled. */
async function liveSession(ctx: AppContext, session: Session | undefined): Promise<LiveSession | undefined> {
  if (!session || !isSessionLive(session, ctx.now(), lifetimes(ctx))) return undefined;
  return withEnabledUser(session, await ctx.store.users.getById(session.userId));
}

function withEnabledUser(session: Session, user: User | undefined): LiveSession | undefined {
  if (!user || !user.enabled) return undefined;
  return { session, user };
}

/** A session record (by the hash of its cookie value) that is live and whose user still exists and is enabled. */
export async function liveSessionByHash(ctx: AppContext, idHash: string): Promise<LiveSession | undefined> {
  return liveSession(ctx, await ctx.store.sessions.get(idHash));
}

/** The same, by the session's public sid (what a pending interaction records). */
export async function liveSessionBySid(ctx: AppContext, sid: string): Promise<LiveSession | undefined> {
  return liveSession(ctx, await ctx.store.sessions.getBySid(sid));
}

/** The browser's SSO session, if it still authorizes. */
export async function currentSession(ctx: AppContext, request: FastifyRequest): Promise<LiveSession | undefined> {
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  if (!cookie) return undefined;
  return liveSessionByHash(ctx, sha256(cookie));
}

/** A live session with the scopes its user already allowed one app. */
export interface LiveSessionWithConsent extends LiveSession {
  /** as ConsentsStore.get: empty when the user allowed the app nothing */
  consentedScopes: string[];
}

/**
 * The browser's SSO session, if it still authorizes (as currentSession), with its user's consent to the app
 * `clientId`: one read of the store for what an authorization request needs to complete silently.
 */
export async function currentSessionForApp(
  ctx: AppContext,
  request: FastifyRequest,
  clientId: string,
): Promise<LiveSessionWithConsent | undefined> {
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  if (!cookie) return undefined;
  const read = await ctx.store.sessions.getWithUserAndConsent(sha256(cookie), clientId);
  if (!read || !isSessionLive(read.session, ctx.now(), lifetimes(ctx))) return undefined;
  const live = withEnabledUser(read.session, read.user);
  return live && { ...live, consentedScopes: read.consentedScopes };
}

/**
 * Records a successful sign-in with the methods in `amr`. The browser always gets a new session cookie value and the
 * old one stops working (no fixed session id survives a sign-in). The same user as the browser's live
 * session keeps that session's sid (RP logout correlation) with a new auth_time; anyone else gets a
 * new session, with a new sid, that replaces the old one.
 */
export async function signInSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  amr: string[],
): Promise<Session> {
  const now = ctx.now();
  const authTime = Math.floor(now / 1000);
  const expiresAt = now + ctx.config.sessionAbsoluteLifetimeSeconds * 1000;
  const cookie = randomToken(32);
  const idHash = sha256(cookie);
  const previous = readCookie(request, ctx.config, SESSION_COOKIE);
  const previousHash = previous === undefined ? null : sha256(previous);
  const existing = previousHash === null ? undefined : await liveSessionByHash(ctx, previousHash);
  if (existing && existing.user.id === user.id) {
    const renewal = { idHash, authTime, amr, now, expiresAt };
    if (await ctx.store.sessions.renew(existing.session.idHash, user.id, renewal)) {
      setSessionCookie(reply, ctx.config, cookie);
      ctx.log.info({ event: 'session_renewed', sid: existing.session.sid, userId: user.id }, 'session renewed');
      return { ...existing.session, idHash, authTime, amr, lastSeenAt: now, expiresAt };
    }
  }
  const session: Session = {
    idHash,
    sid: randomId(),
    userId: user.id,
    authTime,
    amr,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    endedAt: null,
  };
  await ctx.store.sessions.replace(previousHash, session);
  setSessionCookie(reply, ctx.config, cookie);
  ctx.log.info({ event: 'session_started', sid: session.sid, userId: user.id }, 'session started');
  return session;
}
