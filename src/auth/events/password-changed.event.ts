/** The password of an account changed, by reset or by its signed-in owner; `requestId` is the queued notice. */
export class PasswordChangedEvent {
  constructor(
    readonly requestId: string,
    readonly userId: string,
    readonly changedAt: Date,
    readonly via: 'reset' | 'change',
  ) {}
}
