import { UnitOfWork } from '../database/unit-of-work';
import { ResetTokensService } from '../tokens/reset-tokens.service';
import { UsersService } from '../users/users.service';
import { PASSWORD_RESET_REQUESTED } from './events/auth-events';
import { AuthEventsPublisher } from './events/auth-events.publisher';
import { PasswordResetRequestedEvent } from './events/password-reset-requested.event';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { PasswordResetService } from './password-reset.service';

/** Fails the test if the request path touches anything but the event bus. */
const untouchable = <T>(name: string): T =>
  new Proxy(
    {},
    {
      get: (_target, property) => {
        throw new Error(`${name}.${String(property)} must not be used while handling the request`);
      },
    },
  ) as T;

describe(PasswordResetService.name, () => {
  it('should only emit an event when a reset is requested: no lookup, no token, no mail in the request', () => {
    const published: [string, unknown][] = [];
    const events = { publish: (name: string, event: unknown) => published.push([name, event]) };
    const service = new PasswordResetService(
      untouchable<UsersService>('users'),
      untouchable<ResetTokensService>('resetTokens'),
      untouchable<PasswordHasher>('hasher'),
      untouchable<PasswordPolicy>('policy'),
      untouchable<UnitOfWork>('unitOfWork'),
      events as unknown as AuthEventsPublisher,
    );

    service.requestReset('someone@example.com');

    expect(published).toHaveLength(1);
    const [name, event] = published[0];
    expect(name).toBe(PASSWORD_RESET_REQUESTED);
    expect(event).toBeInstanceOf(PasswordResetRequestedEvent);
    expect((event as PasswordResetRequestedEvent).email).toBe('someone@example.com');
  });
});
