import { Inject, Injectable } from '@nestjs/common';
import { characterCount } from '../common/character-count';
import { PASSWORD_RESET_SETTINGS } from '../password-reset.constants';
import type { PasswordResetSettings } from '../password-reset.options';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import { BreachedPasswordChecker } from './breached/breached-password-checker';
import { fillPlaceholders, passwordMessages } from './messages/password-messages';
import { PasswordStrengthPool } from './strength/password-strength.pool';

/** Limits every password DTO applies before the policy runs. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Strength, not composition: a password is refused when zxcvbn (offline common-password and English
 * dictionaries, plus the account's own email) scores it below `PASSWORD_MIN_SCORE`, or, when a
 * breached-password endpoint is configured, when it appears in known data breaches
 * ({@link BreachedPasswordChecker}). The scoring runs in worker threads ({@link PasswordStrengthPool});
 * this decides and explains, in the reader's language (`messages/`). Every new password passes here.
 */
@Injectable()
export class PasswordPolicy {
  private readonly minScore: number;

  constructor(
    private readonly strength: PasswordStrengthPool,
    @Inject(PASSWORD_RESET_SETTINGS) settings: PasswordResetSettings,
    private readonly breached: BreachedPasswordChecker,
  ) {
    this.minScore = settings.passwordPolicy.minScore;
  }

  /**
   * Throws a `WeakPassword` error whose message says why and how to do better, in `locale` (any
   * BCP 47 tag; a shipped language it matches, else English); `Unavailable` when the breach check
   * could not be done and must not be skipped.
   */
  async assertAcceptable(password: string, email: string, locale?: string): Promise<void> {
    const messages = passwordMessages(locale);
    // Length is checked by the DTOs; checked again here so no caller can skip it, and counted as
    // they count it (code points), or a password they accept would be refused here.
    const length = characterCount(password);
    if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
      throw new PasswordResetError(
        PasswordResetErrorCode.WeakPassword,
        fillPlaceholders(messages.lengthOutOfRange, {
          min: PASSWORD_MIN_LENGTH,
          max: PASSWORD_MAX_LENGTH,
        }),
      );
    }
    const localPart = email.split('@')[0] ?? '';
    const result = await this.strength.check({ password, userInputs: [email, localPart] });
    if (result.score >= this.minScore) {
      // Only after the strength check: a password refused anyway need not leave even a prefix.
      if (await this.breached.isBreached(password, locale)) {
        throw new PasswordResetError(PasswordResetErrorCode.WeakPassword, messages.breached);
      }
      return;
    }
    // A key a newer zxcvbn-ts adds before the catalogs know it is left out, not shown as a key.
    const advice = [
      result.warning && messages.warnings[result.warning],
      ...result.suggestions.map((key) => messages.suggestions[key]),
    ].filter((text): text is string => Boolean(text));
    // zxcvbn has no advice for passwords scoring 3 or more, which a stricter policy can still refuse:
    // give its usual first suggestion.
    if (advice.length === 0) advice.push(messages.suggestions.anotherWord);
    throw new PasswordResetError(
      PasswordResetErrorCode.WeakPassword,
      [messages.tooEasyToGuess, ...advice].join(' '),
    );
  }
}
