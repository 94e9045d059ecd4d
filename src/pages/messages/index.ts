import { en, type Messages } from './en.js';
import { de } from './de.js';

export type { Messages } from './en.js';

/** The languages the pages speak (advertised as ui_locales_supported), the first being the fallback. */
export const SUPPORTED_LOCALES = ['en', 'de'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const CATALOGUES: Record<Locale, Messages> = { en, de };

function supported(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split('-')[0] ?? '';
  return (SUPPORTED_LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : undefined;
}

/** Accept-Language (RFC 9110 12.5.4) as language ranges, most preferred first (q=0 dropped, ties in order). */
function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .slice(0, 1000)
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
      return { range: range.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((r) => r.range !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((r) => r.range);
}

/**
 * The pages' language: the first supported one of `ui_locales` (the app's choice, OpenID Connect Core
 * 3.1.2.1), else of the browser's Accept-Language, else English. A region (de-CH) uses its language.
 */
export function chooseLocale(uiLocales: readonly string[], acceptLanguage: string | undefined): Locale {
  for (const tag of [...uiLocales, ...acceptedLanguages(acceptLanguage)]) {
    if (tag === '*') return SUPPORTED_LOCALES[0];
    const locale = supported(tag);
    if (locale) return locale;
  }
  return SUPPORTED_LOCALES[0];
}

export function messagesFor(locale: Locale): Messages {
  return CATALOGUES[locale];
}

/** The messages for a page: `ui_locales` first, then Accept-Language (see chooseLocale). */
export function pageMessages(uiLocales: readonly string[], acceptLanguage: string | undefined): Messages {
  return messagesFor(chooseLocale(uiLocales, acceptLanguage));
}

/** The scope's plain-language description in these messages (unknown API scopes by name). */
export function describeScopeIn(m: Messages, scope: string): string {
  return Object.hasOwn(m.consent.scopes, scope) ? m.consent.scopes[scope]! : m.consent.unknownScope(scope);
}
