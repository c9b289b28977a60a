import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxService } from '../outbox/outbox.service';
import { RequestKind, RequestStatus } from '../outbox/password-reset-request.entity';
import { EmailCooldownService } from '../throttling/email-cooldown.service';
import { PasswordChanger } from './password-changer.service';
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

/** Runs the work with a stand-in manager: the unit under test only passes it on. */
const manager = {} as EntityManager;

function serviceWith(cooldownAllows: boolean) {
  const published: [string, unknown][] = [];
  const recorded: unknown[][] = [];
  const events = { publish: (name: string, event: unknown) => published.push([name, event]) };
  const unitOfWork = { run: <T>(work: (m: EntityManager) => Promise<T>) => work(manager) };
  const outbox = {
    record: (...args: unknown[]) => {
      recorded.push(args);
      return Promise.resolve('request-1');
    },
  };
  const cooldown = { tryAcquire: () => Promise.resolve(cooldownAllows) };
  const service = new PasswordResetService(
    untouchable<UsersService>('users'),
    untouchable<ResetTokensService>('resetTokens'),
    untouchable<PasswordHasher>('hasher'),
    untouchable<PasswordPolicy>('policy'),
    unitOfWork as unknown as UnitOfWork,
    events as unknown as AuthEventsPublisher,
    outbox as unknown as OutboxService,
    cooldown as unknown as EmailCooldownService,
    untouchable<PasswordChanger>('passwordChanger'),
  );
  return { service, published, recorded };
}

describe(PasswordResetService.name, () => {
  it('should record the request and emit an event with its id: no lookup, no token, no mail in the request', async () => {
    const { service, published, recorded } = serviceWith(true);

    await service.requestReset('someone@example.com');

    expect(recorded).toHaveLength(1);
    expect(recorded[0].slice(0, 3)).toEqual([
      RequestKind.PasswordReset,
      'someone@example.com',
      RequestStatus.Pending,
    ]);
    expect(recorded[0][4]).toBe(manager);
    expect(published).toHaveLength(1);
    const [name, event] = published[0];
    expect(name).toBe(PASSWORD_RESET_REQUESTED);
    expect(event).toBeInstanceOf(PasswordResetRequestedEvent);
    expect((event as PasswordResetRequestedEvent).requestId).toBe('request-1');
  });

  it('should record a request inside the cooldown as throttled, and still emit the event', async () => {
    const { service, published, recorded } = serviceWith(false);

    await service.requestReset('someone@example.com');

    expect(recorded[0][2]).toBe(RequestStatus.Throttled);
    expect(published).toHaveLength(1);
  });
});
