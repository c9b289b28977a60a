import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { authConfig } from '../config/auth.config';
import { DomainError, DomainErrorCode } from '../common/domain-error';

/** Limits every password DTO applies before the policy runs. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Strength, not composition: a password is refused when zxcvbn (offline common-password and English
 * dictionaries, plus the account's own email) scores it below `PASSWORD_MIN_SCORE`.
 */
@Injectable()
export class PasswordPolicy {
  private readonly zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  private readonly minScore: number;

  constructor(@Inject(authConfig.KEY) config: ConfigType<typeof authConfig>) {
    this.minScore = config.passwordMinScore;
  }

  /** Throws a `WeakPassword` error whose message says why and how to do better. */
  assertAcceptable(password: string, email: string): void {
    // Length is checked by the DTOs; checked again here so no caller can skip it.
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw new DomainError(
        DomainErrorCode.WeakPassword,
        `Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
      );
    }
    const localPart = email.split('@')[0] ?? '';
    const result = this.zxcvbn.check(password, [email, localPart]);
    if (result.score >= this.minScore) return;
    const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(
      (text): text is string => Boolean(text),
    );
    // zxcvbn has no advice for passwords scoring 3 or more, which a stricter policy can still refuse.
    if (advice.length === 0) advice.push('Add more words that are less common.');
    throw new DomainError(
      DomainErrorCode.WeakPassword,
      ['Password is too easy to guess.', ...advice].join(' '),
    );
  }
}
