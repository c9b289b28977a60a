/** The password of an account changed, by reset or by its signed-in owner. */
export class PasswordChangedEvent {
  constructor(
    readonly userId: string,
    readonly email: string,
    readonly changedAt: Date,
    readonly via: 'reset' | 'change',
  ) {}
}
