import { matchLocale } from '../../i18n/locale-tags';
import { FALLBACK_LOCALE, SHIPPED_LOCALES, type ShippedLocale } from '../../i18n/shipped-locales';
import type { StrengthSuggestion, StrengthWarning } from '../strength/password-strength.types';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';

/**
 * What the password policy says to a user, in one language: its own sentences and a text for every
 * warning and suggestion zxcvbn-ts can give (the strength check answers with their keys). A text may
 * hold `{name}` placeholders, filled by {@link fillPlaceholders}.
 */
export interface PasswordMessages {
  /** Opens every refusal for strength; zxcvbn's advice follows. */
  tooEasyToGuess: string;
  /** `{min}` and `{max}`: the length limits, in characters. */
  lengthOutOfRange: string;
  /** A password found in the breached-password range (Pwned Passwords). */
  breached: string;
  /** The breached-password check could not be done, and the module fails closed (503). */
  breachCheckUnavailable: string;
  warnings: Record<StrengthWarning, string>;
  suggestions: Record<StrengthSuggestion, string>;
}

/** One catalog per shipped locale; `password-messages.spec.ts` holds them to English's keys. */
export const PASSWORD_MESSAGES: Readonly<Record<ShippedLocale, PasswordMessages>> = {
  en,
  de,
  fr,
  es,
};

/** The catalog for `locale` (any BCP 47 tag: `de-AT` → German); English when none matches. */
export function passwordMessages(locale?: string): PasswordMessages {
  // matchLocale answers with an entry of the list it is given.
  const shipped =
    (matchLocale([locale], SHIPPED_LOCALES) as ShippedLocale | undefined) ?? FALLBACK_LOCALE;
  return PASSWORD_MESSAGES[shipped];
}

/** `{name}` → `values.name`; placeholders without a value stay as they are. */
export function fillPlaceholders(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}
