import { html, type SafeHtml } from '../html.js';

const minutes = (n: number) => `${n} minute${n === 1 ? '' : 's'}`;

/**
 * The English messages of every server-rendered page (sign-in, consent, second factor, sign-out,
 * account, errors). Another language is an object of the same shape (`Messages`): see de.ts.
 * Values that take arguments are functions; those that mark up an argument return SafeHtml.
 */
export const en = {
  lang: 'en',
  common: {
    cancelAndReturn: (app: string) => `Cancel and return to ${app}`,
    continueTo: (app: string) => `Continue to ${app}`,
    returnTo: (app: string) => `Return to ${app}`,
    none: '(none)',
  },
  login: {
    title: (app: string) => `Sign in to ${app}`,
    lead: (instance: string) => `Use your ${instance} account.`,
    loginLabel: 'Login',
    passwordLabel: 'Password',
    submit: 'Sign in',
    missing: 'Enter your login and password.',
    invalid: 'Invalid login or password.',
    throttledSource: (n: number) => `Too many failed sign-in attempts from your network. Try again in ${minutes(n)}.`,
    throttledAccount: (n: number) =>
      `Too many failed sign-in attempts for this account. Sign in from a device you have used before, or try again in ${minutes(n)}.`,
    throttledOther: (n: number) => `Too many failed sign-in attempts. Try again in ${minutes(n)}, or sign in from a device you have used before.`,
    signedInAgain: (login: string) => `You are signed in as ${login}. Sign in again to continue.`,
    signedInNotAllowed: (login: string, app: string) => `You are signed in as ${login}, who cannot use ${app}. Sign in with another account.`,
    signedInOther: (login: string, app: string) =>
      `You are signed in as ${login}. ${app} asked you to sign in with a different account. Sign in with that account, or cancel.`,
    otherAccountRequested: (app: string) => `${app} asked you to sign in with a different account. Sign in with that account, or cancel.`,
  },
  blocked: {
    title: (app: string) => `You cannot sign in to ${app}`,
    disabled: 'Your account is disabled. Contact your administrator.',
    userKind: (app: string, kind: string) => `${app} does not accept ${kind} accounts, so you cannot sign in to it with this account.`,
  },
  consent: {
    title: (app: string) => `Allow ${app}?`,
    heading: (app: string) => `Allow ${app} to access your account?`,
    signedInAs: (user: string): SafeHtml => html`Signed in as <strong>${user}</strong>.`,
    wants: (app: string) => `${app} wants to:`,
    allow: 'Allow',
    deny: 'Deny',
    scopes: {
      openid: 'Sign you in',
      profile: 'See your name and username',
      email: 'See your email address',
      offline_access: 'Stay signed in when you are away',
      read: 'Read your ERP data',
      update: 'Change your ERP data',
    } as Record<string, string>,
    unknownScope: (scope: string) => `Use the "${scope}" API on your behalf`,
  },
  secondFactor: {
    title: 'Confirm it is you',
    lead: (app: string, login: string): SafeHtml => html`Signing in to ${app} as <strong>${login}</strong>.`,
    codeLabel: 'Code from your authenticator app',
    codeHelp: 'Enter the 6-digit code, or one of your recovery codes if you do not have your phone.',
    submit: 'Continue',
    missing: 'Enter the code from your authenticator app.',
    throttled: (n: number) => `Too many wrong codes. Try again in ${minutes(n)}.`,
    wrong: 'That code is not right, or was already used. Try the next one.',
    enrolWrong: 'That code is not right. Check the time on your phone and type the code the app shows now.',
  },
  totp: {
    title: 'Set up an authenticator app',
    leadSignIn: (app: string) => `Signing in to ${app} needs a second factor. Set up an authenticator app to continue.`,
    step1: 'Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, 1Password).',
    step2: 'Scan this code with it:',
    qrAlt: 'QR code for your authenticator app; the key is written below',
    step3: 'Or enter this key by hand:',
    keyLabel: 'setup key',
    step4: 'Type the 6-digit code the app shows.',
    codeLabel: 'Code from the app',
    submit: 'Turn on',
  },
  recoveryCodes: {
    title: 'Your recovery codes',
    heading: 'Save your recovery codes',
    lead: 'If you lose your phone, each of these codes signs you in once instead of a code from the app. Store them somewhere safe now: they are shown only this once.',
    listLabel: 'recovery codes',
  },
  error: {
    title: 'Sign-in error',
    heading: 'This sign-in request cannot be completed',
    code: 'Error:',
    explanation: "If you opened this page from an app, tell the app's developer; the request was not sent back to the app.",
    requestId: 'Request id:',
  },
  signOut: {
    confirmTitle: (instance: string) => `Sign out of ${instance}?`,
    signedInAs: (user: string): SafeHtml => html`You are signed in as <strong>${user}</strong>.`,
    signOut: 'Sign out',
    stay: 'Stay signed in',
    stillTitle: 'You are still signed in',
    still: (instance: string) => `You stayed signed in to ${instance}. You can close this window.`,
    doneTitle: 'You are signed out',
    done: (instance: string) => `You have been signed out of ${instance}. You can close this window.`,
  },
  account: {
    title: (instance: string) => `${instance} account`,
    heading: 'Your account',
    login: 'Login',
    name: 'Name',
    email: 'Email',
    signOut: 'Sign out',
    openAccount: 'Open your account page',
    passwordTitle: 'Change password',
    reauthenticate: (n: number) =>
      `For your security, sign in again before you change your password (a change needs a sign-in from the last ${n} minutes).`,
    signInAgain: 'Sign in again',
    currentPassword: 'Current password',
    newPassword: 'New password',
    newPasswordAgain: 'New password again',
    passwordHint:
      'At least 10 characters. Several uncommon words are easy to remember and hard to guess; do not use your login, name or email address.',
    changePassword: 'Change password',
    changeSignsOut:
      'Changing your password signs you out everywhere else: other browsers and devices, and apps that stay signed in with refresh tokens.',
    passwordChanged:
      'Your password was changed. You were signed out everywhere else, and apps that stayed signed in will ask you to sign in again.',
    tooManyWrongPasswords: 'Too many wrong passwords. Nothing was changed; try again later.',
    currentMissing: 'Enter your current password.',
    currentWrong: 'Your current password is not correct.',
    sameAsCurrent: 'The new password must be different from the current one.',
    nothingChanged: 'Nothing was changed',
    resetTitle: 'Choose a new password',
    resetLead: (instance: string, login: string): SafeHtml => html`For the ${instance} account <strong>${login}</strong>.`,
    resetSubmit: 'Set the new password',
    resetInvalidTitle: 'This link cannot be used',
    resetInvalid: 'This password-reset link is not valid: it is wrong, was already used, or has expired. Ask your administrator for a new one.',
    resetDoneTitle: 'Your password was changed',
    resetDone: (login: string) => `The password of ${login} was changed. You were signed out everywhere; sign in with the new password.`,
  },
};

export type Messages = typeof en;
