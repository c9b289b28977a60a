import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { normalizeEmail } from '../common/email-address';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetCompletedEvent,
} from '../events/password-reset-events';
import { PasswordResetEventsPublisher } from '../events/password-reset-events.publisher';
import { matchLocale } from '../i18n/locale-tags';
import { SHIPPED_LOCALES } from '../i18n/shipped-locales';
import { ResetCodeLockoutService } from '../limits/per-address/reset-code-lockout.service';
import { PasswordChanger } from '../passwords/password-changer.service';
import { PasswordPolicy } from '../passwords/password-policy.service';
import { resetCodeDigits } from '../tokens/reset-code';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import type { RequestLanguage } from './password-reset.service';

/** One answer for every refused code, whatever the reason, and for unknown addresses. */
export const INVALID_RESET_CODE_MESSAGE =
  'This code is wrong or no longer works. Check it, or ask for a new email.';

function invalidCode(): PasswordResetError {
  return new PasswordResetError(
    PasswordResetErrorCode.InvalidResetCode,
    INVALID_RESET_CODE_MESSAGE,
  );
}

/** A code that matched: whose it is, what the row stores of it, and until when it works. */
interface MatchedCode {
  user: ResetUser;
  codeHash: string;
  expiresAt: Date;
}

/**
 * Resets by the one-time code of the reset email (`resetCode.enabled`), typed in with the address:
 * for apps that cannot open a link. A wrong, expired, used or burnt code and an unknown address get
 * the same {@link PasswordResetError} (`INVALID_RESET_CODE`) after the same work: the code is always
 * HMAC'd and the same statements run. Five wrong tries burn a code (its link still works); past ten
 * wrong codes in fifteen minutes, an address refuses every code from that client network.
 */
@Injectable()
export class ResetCodesService {
  constructor(
    private readonly users: PasswordResetUsers,
    private readonly resetTokens: ResetTokensService,
    private readonly lockout: ResetCodeLockoutService,
    private readonly policy: PasswordPolicy,
    private readonly passwordChanger: PasswordChanger,
    private readonly events: PasswordResetEventsPublisher,
  ) {}

  /**
   * When the account's code stops working; uses nothing up (a wrong code counts as a wrong try).
   * `code` is its 8 digits, with or without the middle space. Pass the client's IP (`clientIp`), as
   * the module's route does: wrong codes are counted per client network.
   */
  async verify(email: string, code: string, clientIp?: string): Promise<Date> {
    return (await this.match(email, code, clientIp)).expiresAt;
  }

  /**
   * Checks the code, then the new password (a refused password leaves the code usable), then uses
   * the code up and sets the password in one transaction, exactly as a reset by link does: of
   * concurrent requests with one code, exactly one succeeds; every session and link of the account
   * ends, login locks lift, and the owner is emailed that the password changed.
   */
  async reset(
    email: string,
    code: string,
    newPassword: string,
    clientIp?: string,
    options: RequestLanguage = {},
  ): Promise<void> {
    const { user, codeHash } = await this.match(email, code, clientIp);
    await this.policy.assertAcceptable(
      newPassword,
      user.email,
      matchLocale([...(options.languages ?? []), options.locale], SHIPPED_LOCALES),
    );
    const completedAt = await this.passwordChanger.change(
      user,
      newPassword,
      'reset',
      async (manager) => {
        // Of concurrent resets with one code, only the one that deletes the row goes on.
        if (!(await this.resetTokens.consumeCode(user.id, codeHash, manager))) throw invalidCode();
      },
      options,
    );
    this.events.publish(
      PASSWORD_RESET_EVENTS.completed,
      new PasswordResetCompletedEvent(user.id, completedAt),
    );
  }

  /**
   * The account's live code, if `code` is it; else counts a wrong try and refuses. A network past its
   * limit is refused before anything is compared, so its tries use up none of the owner's code.
   */
  private async match(email: string, code: string, clientIp?: string): Promise<MatchedCode> {
    const now = new Date();
    const normalised = normalizeEmail(email);
    const address = normalised.ok ? normalised.email : email;
    if (await this.lockout.isLocked(address, clientIp, now)) throw invalidCode();
    const user = await this.users.findByEmail(address);
    // No account: the same HMAC and statement, for an id that no row has.
    const userId = user?.id ?? randomUUID();
    const digits = resetCodeDigits(code);
    const codeHash = this.resetTokens.codeHash(userId, digits ?? code);
    const expiresAt = await this.resetTokens.checkCode(userId, codeHash, now);
    if (!user || !digits || !expiresAt) {
      await this.lockout.countFailure(address, clientIp, now);
      throw invalidCode();
    }
    return { user, codeHash, expiresAt };
  }
}
