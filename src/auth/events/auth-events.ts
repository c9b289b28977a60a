import { PasswordChangedEvent } from './password-changed.event';
import { PasswordResetRequestedEvent } from './password-reset-requested.event';

/** Emitted by `forgot-password` for every well-formed address, known or not. */
export const PASSWORD_RESET_REQUESTED = 'auth.password-reset.requested' as const;
/** Emitted after a reset or a change of password has been committed. */
export const PASSWORD_CHANGED = 'auth.password.changed' as const;

/** Event name → payload class; the compiler checks every emit against it. */
export interface AuthEventMap {
  [PASSWORD_RESET_REQUESTED]: PasswordResetRequestedEvent;
  [PASSWORD_CHANGED]: PasswordChangedEvent;
}

export type AuthEventName = keyof AuthEventMap;
