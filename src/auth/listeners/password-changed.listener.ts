import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../../common/describe-error';
import { MailService } from '../../mail/mail.service';
import { PASSWORD_CHANGED } from '../events/auth-events';
import { PasswordChangedEvent } from '../events/password-changed.event';
import { ResetLinks } from '../reset-links';

/** Tells the owner their password changed, so a change they did not make does not go unnoticed. */
@Injectable()
export class PasswordChangedListener {
  private readonly logger = new Logger(PasswordChangedListener.name);

  constructor(
    private readonly links: ResetLinks,
    private readonly mail: MailService,
  ) {}

  @OnEvent(PASSWORD_CHANGED, { async: true, promisify: true })
  async handle(event: PasswordChangedEvent): Promise<void> {
    try {
      await this.mail.sendPasswordChanged({
        to: event.email,
        changedAt: event.changedAt,
        forgotPasswordUrl: this.links.pageUrl(),
      });
      this.logger.log(`Sent a password-changed notice for account ${event.userId}`);
    } catch (error) {
      this.logger.error(`Could not send a password-changed notice: ${describeError(error)}`);
    }
  }
}
