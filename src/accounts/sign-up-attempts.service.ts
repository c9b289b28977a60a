import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { EmailQueueService } from '../email-queue/email-queue.service';
import { EmailKind, EmailStatus } from '../email-queue/queued-email.entity';
import { PASSWORD_RESET_EVENTS, SignUpAttemptedEvent } from '../events/password-reset-events';
import { PasswordResetEventsPublisher } from '../events/password-reset-events.publisher';
import { EmailCooldownService } from '../limits/per-address/email-cooldown.service';
import { UserAccount } from './user-account.entity';

/**
 * Tells the owner of an address that someone tried to sign up with it (enumeration-safe sign-up),
 * through the email queue. The notices count against the reset emails' per-address and per-network
 * limits, and share their counts: whoever keeps signing up with someone else's address, or
 * alternates that with forgot-password requests, sends the owner no more email than reset requests
 * alone would.
 */
@Injectable()
export class SignUpAttempts {
  constructor(
    private readonly db: UnitOfWork,
    private readonly cooldown: EmailCooldownService,
    private readonly emails: EmailQueueService,
    private readonly events: PasswordResetEventsPublisher,
  ) {}

  /**
   * Queues the notice to `owner` (throttled, never sent, past a limit) in the owner's locale, else
   * `requestLocale`, and the owner's time zone. `clientIp` is the network the limits count for.
   */
  async record(
    owner: UserAccount,
    clientIp?: string,
    requestLocale?: string | null,
  ): Promise<void> {
    const now = new Date();
    const requestId = await this.db.transaction(async (manager) => {
      const [allowed] = await this.cooldown.acquireAll(
        [{ email: owner.email, clientIp, now }],
        manager,
      );
      const [id] = await this.emails.recordMany(
        [
          {
            kind: EmailKind.SignUpAttempt,
            email: owner.email,
            status: allowed ? EmailStatus.Pending : EmailStatus.Throttled,
            now,
            locale: owner.locale ?? requestLocale ?? null,
            timeZone: owner.timeZone,
          },
        ],
        manager,
      );
      return id;
    });
    this.events.publish(
      PASSWORD_RESET_EVENTS.signUpAttempted,
      new SignUpAttemptedEvent(requestId, owner.id, now),
    );
  }
}
