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
  message: Pick<AccountMessagePageOptions, 'title' | 'message' | 'kind'> & { link?: AccountMessagePageOptions['link'] },
): FastifyReply {
  return sendPage(
    reply,
    status,
    accountMessagePage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      link: { href: accountPath(ctx), text: 'Open your account page' },
      ...message,
    }),
  );
}
