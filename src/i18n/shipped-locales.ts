/**
 * The languages the package ships: its emails (`templates/<locale>/`), the reference reset page and
 * the weak-password messages. A host's `templatesDir` may add email locales; the page and the API
 * messages fall back to English for those.
 */
export const SHIPPED_LOCALES = ['en', 'de', 'fr', 'es'] as const;

export type ShippedLocale = (typeof SHIPPED_LOCALES)[number];

/** The fallback of the page and the API messages, whatever `defaultLocale` the emails use. */
export const FALLBACK_LOCALE: ShippedLocale = 'en';
