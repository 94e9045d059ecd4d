import type { AccountSection } from '../pages/account-page.js';
import { passwordSection } from '../pages/password-section.js';
import type { AccountView } from './sections.js';
import { accountPath } from './paths.js';

export const PASSWORD_SECTION_ID = 'password';

/** The "Change password" section: the form while the sign-in is fresh, else a way to sign in again. */
export function passwordSectionOf(view: AccountView): AccountSection {
  const { ctx, account, feedback } = view;
  return {
    id: PASSWORD_SECTION_ID,
    title: view.messages.account.passwordTitle,
    body: passwordSection({
      login: account.live.user.login,
      action: accountPath(ctx, '/password'),
      csrf: account.csrf,
      fresh: account.fresh,
      reauthenticateHref: accountPath(ctx, '/reauthenticate'),
      reauthenticateMinutes: Math.max(1, Math.round(ctx.config.accountReauthSeconds / 60)),
      error: feedback?.section === PASSWORD_SECTION_ID ? feedback.error : undefined,
      messages: view.messages,
    }),
  };
}
