import { invalidRequest } from '../errors/oauth-error.js';

import type { PromptValue } from '../domain/interaction.js';

export type { PromptValue };
const PROMPTS: readonly string[] = ['none', 'login', 'consent'];
// ten digits are more than three centuries of seconds
const MAX_AGE = /^\d{1,10}$/;

/** OpenID Connect prompt: a space-separated list of none, login, consent; none stands alone. */
export function parsePrompt(value: string | undefined): PromptValue[] {
  if (value === undefined) return [];
  const values = [...new Set(value.split(' ').filter(Boolean))];
  for (const v of values) {
    if (!PROMPTS.includes(v)) {
      throw invalidRequest(`prompt value "${v.slice(0, 40)}" is not supported: use none, login or consent`);
    }
  }
  if (values.includes('none') && values.length > 1) {
    throw invalidRequest('prompt=none cannot be combined with other prompt values');
  }
  return values as PromptValue[];
}

/** OpenID Connect max_age: a non-negative whole number of seconds. */
export function parseMaxAge(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!MAX_AGE.test(value)) throw invalidRequest('max_age must be a non-negative whole number of seconds');
  return Number(value);
}
