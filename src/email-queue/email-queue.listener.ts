import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EmailQueueProcessor } from './email-queue.processor';
import { PASSWORD_RESET_EVENTS } from '../events/password-reset-events';

/**
 * Sends what an event says was just recorded (a reset request, or the notice of a password change
 * written in the same transaction as the change), right after the request has been answered, so
 * lookup, token and email never run inside it. If this instance stops first, the poller finds the row.
 * The processor catches and logs its own failures, so nothing reaches the request that emitted.
 */
@Injectable()
export class EmailQueueListener {
  constructor(private readonly processor: EmailQueueProcessor) {}

  // One decorator per name: given an array, the emitter would listen for one event named by all of them.
  @OnEvent(PASSWORD_RESET_EVENTS.requested, { async: true, promisify: true })
  onResetRequested(): Promise<void> {
    return this.processor.wake();
  }

  @OnEvent(PASSWORD_RESET_EVENTS.passwordChanged, { async: true, promisify: true })
  onPasswordChanged(): Promise<void> {
    return this.processor.wake();
  }
}
