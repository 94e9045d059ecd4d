import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** zxcvbn's score: 0 (guessable in under 10^3 tries) to 4 (more than 10^10 tries). */
export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface StrengthEstimate {
  score: StrengthScore;
  /** why the password is weak, in English (null when the estimator has nothing to say) */
  warning: string | null;
  suggestions: string[];
}

/**
 * Only this many leading characters are estimated. The estimator's l33t and dictionary matching grows
 * much faster than the length (a 256-character random password took seconds), and it runs on the
 * event loop; 64 characters that are hard to guess are hard to guess whatever follows them.
 */
const ESTIMATED_LENGTH = 64;
/** l33t substitutions tried per match (the default, 100, costs a second on a 32-character random password) */
const L33T_MAX_SUBSTITUTIONS = 5;

let loading: Promise<ZxcvbnFactory> | undefined;

/**
 * The estimator with its English and common dictionaries. They take a noticeable time to load and
 * build (about a second on a busy machine), so they are loaded on the first password check, never at
 * start-up, and kept for the life of the process.
 */
function estimator(): Promise<ZxcvbnFactory> {
  loading ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      translations: english.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...english.dictionary },
      maxLength: ESTIMATED_LENGTH,
      l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    });
  })();
  loading.catch(() => {
    loading = undefined; // a failed load is tried again on the next check
  });
  return loading;
}

/**
 * Estimates how hard the password is to guess. `userInputs` (the login, name, email address) count as
 * dictionary words, so a password built from them scores low.
 */
export async function estimateStrength(password: string, userInputs: readonly string[]): Promise<StrengthEstimate> {
  const result = (await estimator()).check(password, [...userInputs]);
  return {
    score: result.score as StrengthScore,
    warning: result.feedback.warning || null,
    suggestions: result.feedback.suggestions.filter(Boolean),
  };
}
