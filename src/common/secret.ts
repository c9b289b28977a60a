import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a secret value so that it cannot leak by accident: string conversion, JSON serialisation and
 * `util.inspect` (which Nest's logger and console use) all print `[redacted]`. Only code that needs the
 * real value calls {@link Secret.reveal}.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value. Call it only at the point of use (e.g. the SMTP transport factory). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
