import type { Messages } from '../pages/messages/index.js';
import type { AppContext } from '../context.js';
import type { AccountSection } from '../pages/account-page.js';
import type { AccountSession } from './account-session.js';
import type { PasskeyCredential } from '../domain/passkey.js';
import { passwordSectionOf } from './password-section.js';
import { passkeysSectionOf, recoveryCodesSectionOf, totpSectionOf } from './second-factors-section.js';
import { tokensSectionOf } from './tokens-section.js';

/** A problem with what was just submitted in one section, shown in that section. */
export interface SectionFeedback {
  section: string;
  error: string;
}

/** What a section renders from. */
export interface AccountView {
  ctx: AppContext;
  account: AccountSession;
  feedback?: SectionFeedback;
  /** the user's second factors (never a secret) */
  factors: { totp: boolean; recoveryCodesLeft: number; passkeys: PasskeyCredential[] };
  /** the page's language */
  messages: Messages;
  /** a reference token just issued: its value, shown this once */
  createdToken?: string;
}

/** A section's content; undefined hides the section (nothing to show this user). */
export type SectionRenderer = (view: AccountView) => AccountSection | undefined | Promise<AccountSection | undefined>;

/**
 * The sections of the account page, in page order: one per feature, each with its own renderer file
 * and its own POST handler (registered in routes.ts). Second factors and tokens add theirs here. A
 * handler that changes something checks the CSRF token, then `account.fresh` (re-authentication).
 */
export const ACCOUNT_SECTIONS: readonly SectionRenderer[] = [passwordSectionOf, passkeysSectionOf, totpSectionOf, recoveryCodesSectionOf, tokensSectionOf];
