import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../../common/describe-error';
import { MailRequestProcessor } from '../delivery/mail-request.processor';
import { PASSWORD_CHANGED, PASSWORD_RESET_REQUESTED } from '../events/auth-events';
import { PasswordChangedEvent } from '../events/password-changed.event';
import { PasswordResetRequestedEvent } from '../events/password-reset-requested.event';

/**
 * Sends what an event says was just recorded (a reset request, or the notice of a password change
 * written in the same transaction as the change), right after the request has been answered, so
 * lookup, token and email never run inside it. If this instance stops first, the poller finds the row.
 */
@Injectable()
export class MailRequestListener {
  private readonly logger = new Logger(MailRequestListener.name);

  constructor(private readonly processor: MailRequestProcessor) {}

  @OnEvent(PASSWORD_RESET_REQUESTED, { async: true, promisify: true })
  onResetRequested(event: PasswordResetRequestedEvent): Promise<void> {
    return this.process(event.requestId);
  }

  @OnEvent(PASSWORD_CHANGED, { async: true, promisify: true })
  onPasswordChanged(event: PasswordChangedEvent): Promise<void> {
    return this.process(event.requestId);
  }

  private async process(requestId: string): Promise<void> {
    try {
      await this.processor.processById(requestId);
    } catch (error) {
      // Nothing can reach the request that emitted the event; the poller retries the row.
      this.logger.error(`Could not process request ${requestId}: ${describeError(error)}`);
    }
  }
}
