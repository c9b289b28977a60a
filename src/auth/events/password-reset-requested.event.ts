/** Someone asked for a reset link for `email` (normalised). The account may not exist. */
export class PasswordResetRequestedEvent {
  constructor(
    readonly email: string,
    readonly requestedAt: Date,
  ) {}
}
