import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { emailKey } from '../common/email-address';
import { UnitOfWork } from '../database/unit-of-work';
import { EmailQueueService } from '../email-queue/email-queue.service';
import { EmailKind, EmailStatus } from '../email-queue/queued-email.entity';
import { canonicalLocale, canonicalTimeZone } from '../i18n/locale-tags';
import { PASSWORD_RESET_EVENTS, PasswordChangedEvent } from '../events/password-reset-events';
import { PasswordResetEventsPublisher } from '../events/password-reset-events.publisher';
import { LoginLockoutService } from '../limits/per-address/login-lockout.service';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { PasswordResetUsers, ResetUser } from '../users/password-reset-users';

/** What every password change does, whether by reset or by the signed-in owner. */
@Injectable()
export class PasswordChanger {
  constructor(
    private readonly users: PasswordResetUsers,
    private readonly resetTokens: ResetTokensService,
    private readonly lockout: LoginLockoutService,
    private readonly emails: EmailQueueService,
    private readonly db: UnitOfWork,
    private readonly events: PasswordResetEventsPublisher,
  ) {}

  /**
   * In one transaction: runs `precondition` (a reset uses its token up there, so a failure leaves
   * everything as it was), has the users port set the password (which ends the account's sessions),
   * withdraws reset requests not yet sent and ends every reset link, lifts the login locks (the owner
   * has proved themselves) and queues the notice email, in the account's language and time zone
   * (else in the language of the request that made the change, `request.locale`). Once committed,
   * announces the change, which also sends the notice. Returns the time of the change.
   */
  async change(
    user: ResetUser,
    newPassword: string,
    via: PasswordChangedEvent['via'],
    precondition?: (manager: EntityManager) => Promise<void>,
    request: { locale?: string | null } = {},
  ): Promise<Date> {
    const prepared = await this.users.preparePassword(newPassword);
    const changedAt = new Date();
    // Reset requests and login counts are kept under the normal form of the address; a host may
    // store it in another (`Alice@Example.com`), and those would then outlive the change.
    const address = emailKey(user.email);
    await this.db.transaction(async (manager) => {
      await precondition?.(manager);
      await this.users.setPassword(user.id, prepared, manager);
      await this.emails.cancelResets(address, changedAt, manager);
      await this.resetTokens.revokeAllForUser(user.id, manager);
      await this.lockout.clear(address, manager);
      // The notice goes to the address as the host stores it, as the reset link did, and is written
      // for the account as it is now: the queue does not look it up again.
      await this.emails.recordMany(
        [
          {
            kind: EmailKind.PasswordChanged,
            email: user.email,
            status: EmailStatus.Pending,
            now: changedAt,
            locale: canonicalLocale(user.locale) ?? canonicalLocale(request.locale) ?? null,
            timeZone: canonicalTimeZone(user.timeZone) ?? null,
          },
        ],
        manager,
      );
    });
    this.events.publish(
      PASSWORD_RESET_EVENTS.passwordChanged,
      new PasswordChangedEvent(user.id, changedAt, via),
    );
    return changedAt;
  }
}
