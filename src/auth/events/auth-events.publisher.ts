import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuthEventMap, AuthEventName } from './auth-events';

/** Emits auth events with the payload type the name demands. Listeners run after the caller returns. */
@Injectable()
export class AuthEventsPublisher {
  constructor(private readonly emitter: EventEmitter2) {}

  publish<K extends AuthEventName>(name: K, event: AuthEventMap[K]): void {
    this.emitter.emit(name, event);
  }
}
