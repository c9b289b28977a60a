/**
 * What crosses the thread boundary between the request path and the strength-check workers. This file
 * imports nothing heavy, so the main thread can use these types and limits without loading zxcvbn.
 */
import type { TranslationKeys } from '@zxcvbn-ts/core';

/** A zxcvbn warning, by its key in zxcvbn-ts's translations. */
export type StrengthWarning = keyof TranslationKeys['warnings'];

/** A zxcvbn suggestion, by its key in zxcvbn-ts's translations. */
export type StrengthSuggestion = keyof TranslationKeys['suggestions'];

/**
 * zxcvbn sees at most this many characters (code points) of a password. Its cost grows with length
 * (a crafted 128-character password took 1.3 s on its own), while an attacker who guesses the first 64
 * characters still has to guess the rest: judging the prefix alone can only under-estimate the whole
 * password, so it may refuse what the full check would accept, never the reverse. 64 covers any
 * passphrase a person types.
 */
export const STRENGTH_CHECK_MAX_CHARS = 64;

/**
 * zxcvbn-ts tries up to this many l33t readings of a password (its default is 100), each a full
 * dictionary pass; it is what made crafted passwords cost up to a second. At 10 the verdicts on
 * ordinary passwords, l33t spellings of common ones included, are those of the default (see
 * `password-strength.worker.spec.ts`); only contrived mixtures of several ambiguous substitutions
 * (`Br!11!4n7`) can score higher.
 */
export const L33T_MAX_SUBSTITUTIONS = 10;

/** One check: the password and the words the account itself would give away (its email). */
export interface StrengthTask {
  password: string;
  userInputs: string[];
}

/**
 * zxcvbn's verdict: score 0–4 and its advice as translation keys, which the main thread puts in the
 * reader's language (`passwords/messages/`).
 */
export interface StrengthResult {
  score: number;
  warning: StrengthWarning | null;
  suggestions: StrengthSuggestion[];
}

/** The first {@link STRENGTH_CHECK_MAX_CHARS} code points, never half a surrogate pair. */
export function strengthCheckPrefix(password: string): string {
  const codePoints = Array.from(password);
  return codePoints.length <= STRENGTH_CHECK_MAX_CHARS
    ? password
    : codePoints.slice(0, STRENGTH_CHECK_MAX_CHARS).join('');
}
