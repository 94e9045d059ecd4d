import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../domain/password.js';
import { estimateStrength } from './password-strength.js';

/** Whose password it is: the details a password must not be built from. */
export interface PasswordOwner {
  login: string;
  displayName?: string | null;
  email?: string | null;
}

/** The lowest zxcvbn score accepted: 3 means "safely unguessable" (about 10^8 guesses or more). */
export const MIN_STRENGTH_SCORE = 3;

/**
 * Personal details shorter than this are not looked for inside a password on their own: they occur
 * inside ordinary words ("eve" in "seven", "tom" in "custom"). The estimator still counts them.
 */
export const MIN_PERSONAL_PART_LENGTH = 4;

const FALLBACK_SUGGESTION = 'Use a longer password of several uncommon words.';

/**
 * The one password rule of every path that sets a password (administrators' create and set-password,
 * the account page, the reset page). Returns the reason the password is refused, or undefined when it
 * is acceptable: 10 to 1024 characters, not the login, containing neither the login nor the user's name
 * or email address (nor a part of them of at least 4 characters), and a strength score of at least 3
 * from the estimator, which also knows these details.
 */
export async function passwordProblem(password: string, owner: PasswordOwner): Promise<string | undefined> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  }
  const folded = fold(password);
  if (folded === fold(owner.login)) return 'the password must not be the login itself';
  const details = personalDetails(owner);
  for (const { what, values } of details) {
    const parts = values.map(fold).filter((part) => part.length >= MIN_PERSONAL_PART_LENGTH);
    if (parts.some((part) => folded.includes(part))) return `the password must not contain ${what}`;
  }
  const userInputs = [...new Set(details.flatMap(({ values }) => values).filter(Boolean))];
  const estimate = await estimateStrength(password, userInputs);
  if (estimate.score < MIN_STRENGTH_SCORE) {
    const advice = [estimate.warning, ...estimate.suggestions].filter(Boolean);
    return `the password is too easy to guess. ${advice.length > 0 ? advice.join(' ') : FALLBACK_SUGGESTION}`;
  }
  return undefined;
}

function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The login, the name and the email address, each whole and in its words. */
function personalDetails(owner: PasswordOwner): { what: string; values: string[] }[] {
  const name = owner.displayName ?? '';
  const email = owner.email ?? '';
  const local = email.includes('@') ? email.slice(0, email.lastIndexOf('@')) : email;
  return [
    { what: 'the login', values: [owner.login, ...words(owner.login)] },
    { what: 'the name or a part of it', values: [name, ...words(name)] },
    { what: 'the email address or a part of it', values: [email, local, ...words(local)] },
  ];
}
