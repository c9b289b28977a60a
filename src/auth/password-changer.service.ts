import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxService } from '../outbox/outbox.service';
import { RequestKind, RequestStatus } from '../outbox/password-reset-request.entity';
import { LoginLockoutService } from '../throttling/login-lockout.service';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { UsersService } from '../users/users.service';
import { PASSWORD_CHANGED } from './events/auth-events';
import { AuthEventsPublisher } from './events/auth-events.publisher';
import { PasswordChangedEvent } from './events/password-changed.event';

/** What every password change does, whether by reset or by the signed-in owner. */
@Injectable()
export class PasswordChanger {
  constructor(
    private readonly users: UsersService,
    private readonly resetTokens: ResetTokensService,
    private readonly lockout: LoginLockoutService,
    private readonly outbox: OutboxService,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: AuthEventsPublisher,
  ) {}

  /**
   * In one transaction: runs `precondition` (a reset uses its token up there, so a failure leaves
   * everything as it was), sets the hash, bumps `token_version` (every access token dies), withdraws
   * reset requests not yet sent and ends every reset link, lifts the login locks (the owner has
   * proved themselves) and queues the notice email.
   * Once committed, announces the change so the notice goes out.
   */
  async change(
    user: { id: string; email: string },
    passwordHash: string,
    via: PasswordChangedEvent['via'],
    precondition?: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    const { changedAt, noticeId } = await this.unitOfWork.run(async (manager) => {
      await precondition?.(manager);
      const at = await this.users.changePassword(user.id, passwordHash, manager);
      await this.outbox.cancelResets(user.email, at, manager);
      await this.resetTokens.revokeAllForUser(user.id, manager);
      await this.lockout.clear(user.email, manager);
      const id = await this.outbox.record(
        RequestKind.PasswordChanged,
        user.email,
        RequestStatus.Pending,
        at,
        manager,
      );
      return { changedAt: at, noticeId: id };
    });
    this.events.publish(
      PASSWORD_CHANGED,
      new PasswordChangedEvent(noticeId, user.id, changedAt, via),
    );
  }
}
