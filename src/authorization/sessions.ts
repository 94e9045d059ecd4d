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

/** A session record that is live and whose user still exists and is enabled. */
export async function liveSessionByHash(ctx: AppContext, idHash: string): Promise<LiveSession | undefined> {
  const session = await ctx.store.sessions.get(idHash);
  if (!session || !isSessionLive(session, ctx.now(), lifetimes(ctx))) return undefined;
  const user = await ctx.store.users.getById(session.userId);
  if (!user || !user.enabled) return undefined;
  return { session, user };
}

/** The browser's SSO session, if it still authorizes. */
export async function currentSession(ctx: AppContext, request: FastifyRequest): Promise<LiveSession | undefined> {
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  if (!cookie) return undefined;
  return liveSessionByHash(ctx, sha256(cookie));
}

/**
 * Records a successful password sign-in. The same user as the browser's live session keeps that
 * session (same sid, new auth_time); anyone else gets a new session that replaces the old one.
 */
export async function signInSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
): Promise<Session> {
  const now = ctx.now();
  const authTime = Math.floor(now / 1000);
  const amr = ['pwd'];
  const expiresAt = now + ctx.config.sessionAbsoluteLifetimeSeconds * 1000;
  const existing = await currentSession(ctx, request);
  if (existing && existing.user.id === user.id) {
    const kept = await ctx.store.sessions.reauthenticate(existing.session.idHash, { authTime, amr, now, expiresAt });
    if (kept) {
      return { ...existing.session, authTime, amr, lastSeenAt: now, expiresAt };
    }
  }
  const previous = readCookie(request, ctx.config, SESSION_COOKIE);
  if (previous) await ctx.store.sessions.end(sha256(previous), now);
  const cookie = randomToken(32);
  const session: Session = {
    idHash: sha256(cookie),
    sid: randomId(),
    userId: user.id,
    authTime,
    amr,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    endedAt: null,
  };
  await ctx.store.sessions.insert(session);
  setSessionCookie(reply, ctx.config, cookie);
  ctx.log.info({ event: 'session_started', sid: session.sid, userId: user.id }, 'session started');
  return session;
}
