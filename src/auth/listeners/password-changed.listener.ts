import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../../common/describe-error';
import { MailRequestProcessor } from '../delivery/mail-request.processor';
import { PASSWORD_CHANGED } from '../events/auth-events';
import { PasswordChangedEvent } from '../events/password-changed.event';

/**
 * Sends the "your password was changed" notice, recorded in the same transaction as the change, so
 * a change the owner did not make does not go unnoticed even if this instance stops now.
 */
@Injectable()
export class PasswordChangedListener {
  private readonly logger = new Logger(PasswordChangedListener.name);

  constructor(private readonly processor: MailRequestProcessor) {}

  @OnEvent(PASSWORD_CHANGED, { async: true, promisify: true })
  async handle(event: PasswordChangedEvent): Promise<void> {
    try {
      await this.processor.processById(event.requestId);
    } catch (error) {
      this.logger.error(`Could not process notice ${event.requestId}: ${describeError(error)}`);
    }
  }
}
