/**
 * The module's events, namespaced for hosts. Payloads carry ids and times, never an address, a token,
 * a password or a hash; hosts listen with `@OnEvent(PASSWORD_RESET_EVENTS.completed)`.
 */
export const PASSWORD_RESET_EVENTS = {
  /** Someone asked for a reset link (for any well-formed address, with or without an account). */
  requested: 'password-reset.requested',
  /** A reset link was used and the account's password set; committed. */
  completed: 'password-reset.completed',
  /** An account's password changed, by a reset or by its signed-in owner; committed. */
  passwordChanged: 'password-reset.password-changed',
  /**
   * Someone tried to sign up with an address that has an account (enumeration-safe sign-up); its
   * owner's notice is queued.
   */
  signUpAttempted: 'password-reset.sign-up-attempted',
} as const;

/** A reset was asked for and queued as email `requestId`. The account may not exist. */
export class PasswordResetRequestedEvent {
  constructor(
    readonly requestId: string,
    readonly requestedAt: Date,
    /** When the email is due: a random moment after the request (see `delivery.resetJitterMs`). */
    readonly dueAt: Date = requestedAt,
    /**
     * The language chosen from the request: on the module's route, the locale emails are written in
     * that its `Accept-Language` comes closest to (null when it named none of them); from a host's
     * call, the tag it passed, canonical. Not necessarily the email's language: the account's stored
     * locale comes first, and only the email queue, which looks the account up, knows it.
     */
    readonly locale: string | null = null,
  ) {}
}

/** A reset completed: account `userId` has a new password, and its older links and sessions ended. */
export class PasswordResetCompletedEvent {
  constructor(
    readonly userId: string,
    readonly completedAt: Date,
  ) {}
}

/** The password of account `userId` changed, by a reset or by its signed-in owner. */
export class PasswordChangedEvent {
  constructor(
    readonly userId: string,
    readonly changedAt: Date,
    readonly via: 'reset' | 'change',
  ) {}
}

/**
 * A sign-up with the address of account `userId` was answered like any other, and a notice to its
 * owner queued as email `requestId` (throttled, so never sent, past the reset emails' limits).
 */
export class SignUpAttemptedEvent {
  constructor(
    readonly requestId: string,
    readonly userId: string,
    readonly attemptedAt: Date,
  ) {}
}

/** Event name → payload class; the compiler checks every emit against it. */
export interface PasswordResetEventMap {
  [PASSWORD_RESET_EVENTS.requested]: PasswordResetRequestedEvent;
  [PASSWORD_RESET_EVENTS.completed]: PasswordResetCompletedEvent;
  [PASSWORD_RESET_EVENTS.passwordChanged]: PasswordChangedEvent;
  [PASSWORD_RESET_EVENTS.signUpAttempted]: SignUpAttemptedEvent;
}

export type PasswordResetEventName = keyof PasswordResetEventMap;
