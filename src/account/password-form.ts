import { pageError } from '../errors/oauth-error.js';
import { SingleParams } from '../http/single-params.js';
import type { FastifyRequest } from 'fastify';

/** A form of the account area; a malformed one (repeated or oversized fields) is an error page. */
export function readAccountForm(request: FastifyRequest): SingleParams {
  return SingleParams.fromForm(request, (description) => pageError(description));
}

/** The new password entered twice: the password, or why it cannot be used (before any rule is checked). */
export function newPasswordFrom(form: SingleParams): { password: string } | { problem: string } {
  const password = form.get('new_password', (d) => pageError(d));
  const again = form.get('confirm_password', (d) => pageError(d));
  if (password === undefined || again === undefined) return { problem: 'Enter the new password twice.' };
  if (password !== again) return { problem: 'The two new passwords are not the same. Enter the new password twice.' };
  return { password };
}

/** A rule's reason as a sentence on a page. */
export function sentence(reason: string): string {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
