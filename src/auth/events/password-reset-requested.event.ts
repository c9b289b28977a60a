/**
 * A reset was asked for and recorded as request `requestId` (the row holds the address; the event
 * carries no personal data). The account may not exist.
 */
export class PasswordResetRequestedEvent {
  constructor(
    readonly requestId: string,
    readonly requestedAt: Date,
  ) {}
}
