import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EmailQueueProcessor } from './email-queue.processor';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetRequestedEvent,
} from '../events/password-reset-events';

/** Wake-ups are grouped into slots this long: a burst of requests shares a few timers. */
export const WAKE_SLOT_MS = 10;

/**
 * Sends what an event says was just recorded (a reset request, or the notice of a password change
 * written in the same transaction as the change) once it is due, so lookup, token and email never
 * run inside the request. A reset request is due at a random moment after its answer (the row
 * holds it, so no other wake-up or poll sends it sooner); the notice at once. If this instance stops
 * first, the poller finds the row. The processor catches and logs its own failures, so nothing
 * reaches the request that emitted.
 */
@Injectable()
export class EmailQueueListener implements OnApplicationShutdown {
  /** One timer per slot that some request is due in. */
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(private readonly processor: EmailQueueProcessor) {}

  // One decorator per name: given an array, the emitter would listen for one event named by all of them.
  @OnEvent(PASSWORD_RESET_EVENTS.requested, { async: true, promisify: true })
  onResetRequested(event: PasswordResetRequestedEvent): Promise<void> {
    const delay = event.dueAt.getTime() - Date.now();
    if (delay <= 0) return this.processor.wake();
    this.wakeIn(delay);
    return Promise.resolve();
  }

  @OnEvent(PASSWORD_RESET_EVENTS.passwordChanged, { async: true, promisify: true })
  onPasswordChanged(): Promise<void> {
    return this.processor.wake();
  }

  @OnEvent(PASSWORD_RESET_EVENTS.signUpAttempted, { async: true, promisify: true })
  onSignUpAttempted(): Promise<void> {
    return this.processor.wake();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Wakes the processor at the end of the slot `delay` falls in (never before the row is due). */
  private wakeIn(delay: number): void {
    const slot = Math.ceil((Date.now() + delay) / WAKE_SLOT_MS) * WAKE_SLOT_MS;
    if (this.timers.has(slot)) return;
    const timer = setTimeout(() => {
      this.timers.delete(slot);
      void this.processor.wake();
    }, slot - Date.now());
    // A pending wake-up never holds the process open: the poller sends what is left.
    timer.unref();
    this.timers.set(slot, timer);
  }
}
