import type { FastifyRequest } from 'fastify';
import { pageMessages, type Messages } from '../pages/messages/index.js';

/**
 * The messages a page is rendered in: the interaction's `ui_locales` (remembered from the authorize
 * request) first, then the browser's Accept-Language, then English.
 */
export function requestMessages(request: FastifyRequest, uiLocales: readonly string[] = []): Messages {
  const accept = request.headers['accept-language'];
  return pageMessages(uiLocales, typeof accept === 'string' ? accept : undefined);
}

/** A message given as text (already worded) or as a choice from the catalogue. */
export type PageText = string | ((m: Messages) => string);

export function pageText(text: PageText | undefined, m: Messages): string | undefined {
  return typeof text === 'function' ? text(m) : text;
}
