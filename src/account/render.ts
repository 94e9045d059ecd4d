import { pageText, requestMessages, type PageText } from '../http/page-language.js';
import type { Messages } from '../pages/messages/index.js';
import type { User } from '../domain/user.js';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { setPageHeaders } from '../http/security-headers.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { accountMessagePage, type AccountMessagePageOptions } from '../pages/account-message-page.js';
import { accountPath } from './paths.js';

/** Sends a page of the account area with the pages' headers (strict CSP, no framing, never cached). */
export function sendPage(reply: FastifyReply, status: number, body: string, options: { scripts?: boolean } = {}): FastifyReply {
  setPageHeaders(reply, [], options);
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** A confirmation or refusal page; the way on is the account page unless said otherwise. */
export function sendMessage(
  ctx: AppContext,
  reply: FastifyReply,
  status: number,
  message: { title: PageText; message: PageText; kind: AccountMessagePageOptions['kind']; link?: AccountMessagePageOptions['link'] },
): FastifyReply {
  const m = accountMessages(reply);
  return sendPage(
    reply,
    status,
    accountMessagePage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      link: message.link ?? { href: accountPath(ctx), text: m.account.openAccount },
      title: pageText(message.title, m)!,
      message: pageText(message.message, m)!,
      kind: message.kind,
      messages: m,
    }),
  );
}

/** The account pages' language: the user's own locale (when set), then Accept-Language, then English. */
export function accountMessages(reply: FastifyReply, user?: Pick<User, 'locale'>): Messages {
  return requestMessages(reply.request, user?.locale ? [user.locale] : []);
}
