import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../../common/describe-error';
import { MailRequestProcessor } from '../delivery/mail-request.processor';
import { PASSWORD_RESET_REQUESTED } from '../events/auth-events';
import { PasswordResetRequestedEvent } from '../events/password-reset-requested.event';

/**
 * Handles a recorded reset request right after the 202 has gone, so that lookup, token and email
 * never run inside the request. If this instance dies first, the outbox poller picks the row up.
 */
@Injectable()
export class PasswordResetRequestedListener {
  private readonly logger = new Logger(PasswordResetRequestedListener.name);

  constructor(private readonly processor: MailRequestProcessor) {}

  @OnEvent(PASSWORD_RESET_REQUESTED, { async: true, promisify: true })
  async handle(event: PasswordResetRequestedEvent): Promise<void> {
    try {
      await this.processor.processById(event.requestId);
    } catch (error) {
      // Nothing can reach the request that emitted the event; the poller retries the row.
      this.logger.error(
        `Could not process reset request ${event.requestId}: ${describeError(error)}`,
      );
    }
  }
}
