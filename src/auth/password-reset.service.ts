import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxService } from '../outbox/outbox.service';
import { RequestKind, RequestStatus } from '../outbox/password-reset-request.entity';
import { EmailCooldownService } from '../throttling/email-cooldown.service';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { UsersService } from '../users/users.service';
import { PASSWORD_RESET_REQUESTED } from './events/auth-events';
import { AuthEventsPublisher } from './events/auth-events.publisher';
import { PasswordResetRequestedEvent } from './events/password-reset-requested.event';
import { PasswordChanger } from './password-changer.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';

/** One answer for unknown, used and expired tokens, so none can be told apart. */
export const INVALID_RESET_TOKEN_MESSAGE =
  'This reset link is invalid or has expired. Request a new one.';

function invalidToken(): DomainError {
  return new DomainError(DomainErrorCode.InvalidResetToken, INVALID_RESET_TOKEN_MESSAGE);
}

/** The forgot-password → email → new-password flow. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly users: UsersService,
    private readonly resetTokens: ResetTokensService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: AuthEventsPublisher,
    private readonly outbox: OutboxService,
    private readonly cooldown: EmailCooldownService,
    private readonly passwordChanger: PasswordChanger,
  ) {}

  /**
   * Does the same work for every address, known or not: records the request (as throttled inside
   * the address's cooldown) and emits an event. Looking up the account, issuing the token and sending
   * the email happen in the listener, after the response has gone, or in the poller after a crash.
   */
  async requestReset(email: string): Promise<void> {
    const now = new Date();
    const requestId = await this.unitOfWork.run(async (manager) => {
      const allowed = await this.cooldown.tryAcquire(email, now, manager);
      const status = allowed ? RequestStatus.Pending : RequestStatus.Throttled;
      return this.outbox.record(RequestKind.PasswordReset, email, status, now, manager);
    });
    this.events.publish(PASSWORD_RESET_REQUESTED, new PasswordResetRequestedEvent(requestId, now));
  }

  /** When the token expires; does not use it up. */
  async verify(token: string): Promise<Date> {
    const live = await this.resetTokens.findLive(token);
    if (!live) throw invalidToken();
    return live.expiresAt;
  }

  /**
   * Checks the token without using it, checks the new password (a refused password leaves the link
   * usable), and only then uses the token up and sets the password in one transaction.
   */
  async reset(token: string, newPassword: string): Promise<void> {
    const live = await this.resetTokens.findLive(token);
    if (!live) throw invalidToken();
    const user = await this.users.findById(live.userId);
    if (!user) throw invalidToken();

    await this.policy.assertAcceptable(newPassword, user.email);
    const hash = await this.hasher.hash(newPassword);

    await this.passwordChanger.change(user, hash, 'reset', async (manager) => {
      // Of concurrent resets with one token, only the one that deletes the row goes on.
      if ((await this.resetTokens.consume(live.id, manager)) === null) throw invalidToken();
    });
  }
}
