import { Inject, Injectable } from '@nestjs/common';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import { EVENT_BUS } from '../password-reset.constants';
import { PasswordResetEventMap, PasswordResetEventName } from './password-reset-events';

/** Emits the module's events on the host's bus, with the payload type each name demands. */
@Injectable()
export class PasswordResetEventsPublisher {
  constructor(@Inject(EVENT_BUS) private readonly emitter: EventEmitter2) {}

  publish<K extends PasswordResetEventName>(name: K, event: PasswordResetEventMap[K]): void {
    this.emitter.emit(name, event);
  }
}
