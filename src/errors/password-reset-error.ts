/**
 * Codes of the failures the module reports. Its services throw {@link PasswordResetError}s with one of
 * these and know nothing about HTTP; `PasswordResetErrorFilter`, which travels with the module's
 * controllers, is the one place that maps them to status codes.
 */
export enum PasswordResetErrorCode {
  EmailTaken = 'EMAIL_TAKEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  Unauthenticated = 'UNAUTHENTICATED',
  WeakPassword = 'WEAK_PASSWORD',
  InvalidResetToken = 'INVALID_RESET_TOKEN',
  /** A reset code that is wrong, expired, used, burnt or refused from this network, or an unknown address. */
  InvalidResetCode = 'INVALID_RESET_CODE',
  /** An address that cannot be normalised (from code; the routes answer these with a validation 400). */
  InvalidEmail = 'INVALID_EMAIL',
  /** The service cannot do this right now (overloaded); the same request may succeed later. */
  Busy = 'BUSY',
  /**
   * A check every new password must pass could not be done (the breached-password endpoint did not
   * answer, with `pwnedPasswordsFailClosed`); the same request may succeed later.
   */
  Unavailable = 'UNAVAILABLE',
  /** The users port does not know the account a host named (from code, such as `sendResetLink`). */
  UnknownAccount = 'UNKNOWN_ACCOUNT',
}

/** A failure a caller can act on. The message is safe to show: it never holds a secret. */
export class PasswordResetError extends Error {
  constructor(
    readonly code: PasswordResetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PasswordResetError';
  }
}
