import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { MailRequestProcessor } from '../delivery/mail-request.processor';
import { PASSWORD_CHANGED, PASSWORD_RESET_REQUESTED } from '../events/auth-events';

/**
 * Sends what an event says was just recorded (a reset request, or the notice of a password change
 * written in the same transaction as the change), right after the request has been answered, so
 * lookup, token and email never run inside it. If this instance stops first, the poller finds the row.
 * The processor catches and logs its own failures, so nothing reaches the request that emitted.
 */
@Injectable()
export class MailRequestListener {
  constructor(private readonly processor: MailRequestProcessor) {}

  // One decorator per name: given an array, the emitter would listen for one event named by all of them.
  @OnEvent(PASSWORD_RESET_REQUESTED, { async: true, promisify: true })
  onResetRequested(): Promise<void> {
    return this.processor.wake();
  }

  @OnEvent(PASSWORD_CHANGED, { async: true, promisify: true })
  onPasswordChanged(): Promise<void> {
    return this.processor.wake();
  }
}
