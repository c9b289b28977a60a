/**
 * Codes of the failures the domain can report. Services throw {@link DomainError}s with one of these
 * and know nothing about HTTP; `DomainErrorFilter` is the one place that maps them to status codes.
 */
export enum DomainErrorCode {
  EmailTaken = 'EMAIL_TAKEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  Unauthenticated = 'UNAUTHENTICATED',
  WeakPassword = 'WEAK_PASSWORD',
  InvalidResetToken = 'INVALID_RESET_TOKEN',
  /** The service cannot do this right now (overloaded); the same request may succeed later. */
  Busy = 'BUSY',
}

/** A failure a caller can act on. The message is safe to show: it never holds a secret. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
