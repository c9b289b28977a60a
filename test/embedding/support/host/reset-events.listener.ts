import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PASSWORD_RESET_EVENTS, PasswordResetCompletedEvent } from '../../../../src';

/** The host's own reaction to a completed reset (here it only keeps what it was told). */
@Injectable()
export class ResetEventsListener {
  readonly completed: PasswordResetCompletedEvent[] = [];

  @OnEvent(PASSWORD_RESET_EVENTS.completed)
  onCompleted(event: PasswordResetCompletedEvent): void {
    this.completed.push(event);
  }
}
