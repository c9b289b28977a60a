import type { EntityManager } from 'typeorm';
import type { UnitOfWork } from '../database/unit-of-work';
import type { EmailQueueService, NewQueuedEmail } from '../email-queue/email-queue.service';
import { EmailKind, EmailStatus } from '../email-queue/queued-email.entity';
import { PasswordResetError, PasswordResetErrorCode } from '../errors/password-reset-error';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetCompletedEvent,
  PasswordResetRequestedEvent,
} from '../events/password-reset-events';
import type { PasswordResetEventsPublisher } from '../events/password-reset-events.publisher';
import type {
  EmailCooldownService,
  ResetEmailRequest,
} from '../limits/per-address/email-cooldown.service';
import type { PasswordChanger } from '../passwords/password-changer.service';
import type { PasswordResetSettings } from '../password-reset.options';
import type { PasswordPolicy } from '../passwords/password-policy.service';
import type { LiveResetToken, ResetTokensService } from '../tokens/reset-tokens.service';
import type { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import { INVALID_RESET_TOKEN_MESSAGE, PasswordResetService } from './password-reset.service';

/** Fails the test if the unit under test touches it at all. */
const untouchable = <T>(name: string): T =>
  new Proxy(
    {},
    {
      get: (_target, property) => {
        throw new Error(`${name}.${String(property)} must not be used here`);
      },
    },
  ) as T;

/** The transaction's manager: the unit under test only passes it on. */
const manager = { name: 'transaction manager' } as unknown as EntityManager;

const TOKEN = 'raw-reset-token-from-the-link';
const NEW_PASSWORD = 'violet tractor sings at midnight';
const USER: ResetUser = { id: 'user-42', email: 'alice@example.com' };
const LIVE: LiveResetToken = {
  id: 'token-row-7',
  userId: USER.id,
  expiresAt: new Date('2030-01-02T03:04:00Z'),
};

/** Records the events published, by name. */
function eventsRecorder() {
  const published: [string, unknown][] = [];
  const events = {
    publish: (name: string, event: unknown) => {
      published.push([name, event]);
    },
  } as unknown as PasswordResetEventsPublisher;
  return { events, published };
}

function settingsWithJitter(resetJitterMs: number): PasswordResetSettings {
  return { delivery: { resetJitterMs } } as PasswordResetSettings;
}

function requestServiceWith(cooldownAllows: boolean | ((email: string) => boolean), jitterMs = 0) {
  const allows = typeof cooldownAllows === 'function' ? cooldownAllows : () => cooldownAllows;
  const { events, published } = eventsRecorder();
  const transactions: number[] = [];
  const db = {
    parallelTransactions: 1,
    transaction: <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      transactions.push(1);
      return work(manager);
    },
    run: <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => work(manager),
  };
  let recorded = 0;
  const emails = {
    recordMany: jest.fn((requests: NewQueuedEmail[], _manager: EntityManager) =>
      Promise.resolve(requests.map(() => `request-${++recorded}`)),
    ),
  };
  const cooldown = {
    enabled: true,
    acquireAll: jest.fn((requests: readonly ResetEmailRequest[], _manager?: EntityManager) =>
      Promise.resolve(requests.map(({ email }) => allows(email))),
    ),
  };
  const service = new PasswordResetService(
    untouchable<PasswordResetUsers>('users'),
    untouchable<ResetTokensService>('resetTokens'),
    untouchable<PasswordPolicy>('policy'),
    db as unknown as UnitOfWork,
    events,
    emails as unknown as EmailQueueService,
    cooldown as unknown as EmailCooldownService,
    untouchable<PasswordChanger>('passwordChanger'),
    settingsWithJitter(jitterMs),
  );
  return { service, published, transactions, emails, cooldown };
}

interface ResetScenario {
  /** The stored token `findLive` finds, or null for an unknown or expired one. */
  live?: LiveResetToken | null;
  /** The account behind it, or null when it was deleted since. */
  user?: ResetUser | null;
  /** What `consume` returns: null when a concurrent reset used the token first. */
  consumed?: string | null;
  /** The policy refuses the new password. */
  weak?: boolean;
}

function resetServiceWith({
  live = LIVE,
  user = USER,
  consumed = USER.id,
  weak = false,
}: ResetScenario = {}) {
  const { events, published } = eventsRecorder();
  const changedAt = new Date('2030-01-02T03:05:00Z');
  const users = { findById: jest.fn((_id: string) => Promise.resolve(user)) };
  const resetTokens = {
    findLive: jest.fn((_token: string) => Promise.resolve(live)),
    consume: jest.fn((_id: string, _manager: EntityManager) => Promise.resolve(consumed)),
    revokeAllForUser: jest.fn((_userId: string, _manager?: EntityManager) => Promise.resolve()),
  };
  const policy = {
    assertAcceptable: jest.fn((_password: string, _email: string) =>
      weak
        ? Promise.reject(new PasswordResetError(PasswordResetErrorCode.WeakPassword, 'Too easy'))
        : Promise.resolve(),
    ),
  };
  // Runs the precondition as the real one does, inside its (here imaginary) transaction.
  const passwordChanger = {
    change: jest.fn(
      async (
        _user: ResetUser,
        _password: string,
        _via: 'reset' | 'change',
        precondition?: (m: EntityManager) => Promise<void>,
      ) => {
        await precondition?.(manager);
        return changedAt;
      },
    ),
  };
  const service = new PasswordResetService(
    users as unknown as PasswordResetUsers,
    resetTokens as unknown as ResetTokensService,
    policy as unknown as PasswordPolicy,
    untouchable<UnitOfWork>('db'),
    events,
    untouchable<EmailQueueService>('emails'),
    untouchable<EmailCooldownService>('cooldown'),
    passwordChanger as unknown as PasswordChanger,
    settingsWithJitter(0),
  );
  return { service, published, changedAt, users, resetTokens, policy, passwordChanger };
}

/** The error `promise` rejects with; fails the test if it resolves. */
async function refusal(promise: Promise<unknown>): Promise<PasswordResetError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('Expected a refusal');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PasswordResetError);
  return error as PasswordResetError;
}

async function expectInvalidToken(promise: Promise<unknown>): Promise<void> {
  const error = await refusal(promise);
  expect(error.code).toBe(PasswordResetErrorCode.InvalidResetToken);
  expect(error.message).toBe(INVALID_RESET_TOKEN_MESSAGE);
}

describe(PasswordResetService.name, () => {
  describe('requestReset', () => {
    it('should record the request and emit an event with its id: no lookup, no token, no mail in the request', async () => {
      const { service, published, emails } = requestServiceWith(true);

      await service.requestReset('someone@example.com');

      expect(emails.recordMany).toHaveBeenCalledTimes(1);
      const [requests, usedManager] = emails.recordMany.mock.calls[0];
      expect(requests).toEqual([
        {
          kind: EmailKind.PasswordReset,
          email: 'someone@example.com',
          status: EmailStatus.Pending,
          now: expect.any(Date) as Date,
          dueAt: requests[0].now,
          locale: null,
        },
      ]);
      expect(usedManager).toBe(manager);
      expect(published).toEqual([
        [
          PASSWORD_RESET_EVENTS.requested,
          new PasswordResetRequestedEvent('request-1', requests[0].now, requests[0].now),
        ],
      ]);
      expect(published[0][1]).toBeInstanceOf(PasswordResetRequestedEvent);
    });

    it.each([
      ['fr', 'fr'],
      ['DE-at', 'de-AT'],
      ['not a tag', null],
      [undefined, null],
    ])(
      "should keep the request's language %p on the row and in the event as %p",
      async (given, kept) => {
        const { service, published, emails } = requestServiceWith(true);

        await service.requestReset('someone@example.com', undefined, { locale: given });

        expect(emails.recordMany.mock.calls[0][0][0].locale).toBe(kept);
        expect((published[0][1] as PasswordResetRequestedEvent).locale).toBe(kept);
      },
    );

    it('should make each email due at its own random moment within the jitter, and say when in the event', async () => {
      const jitterMs = 1000;
      const { service, emails, published } = requestServiceWith(true, jitterMs);

      await Promise.all(
        Array.from({ length: 40 }, (_, i) => service.requestReset(`user${i}@example.com`)),
      );

      const requests = emails.recordMany.mock.calls.flatMap(([batch]) => batch);
      const delays = requests.map(({ now, dueAt }) => dueAt!.getTime() - now.getTime());
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(jitterMs);
      }
      // Random, not one fixed pause: 40 draws from 1001 values all equal would be a broken draw.
      expect(new Set(delays).size).toBeGreaterThan(1);
      const events = published.map(([, event]) => event as PasswordResetRequestedEvent);
      expect(events.map((event) => event.dueAt)).toEqual(requests.map(({ dueAt }) => dueAt));
    });

    it('should take the cooldown and record the request in one transaction', async () => {
      const { service, transactions, cooldown, emails } = requestServiceWith(true);

      await service.requestReset('someone@example.com', '203.0.113.7');

      expect(transactions).toHaveLength(1);
      expect(cooldown.acquireAll).toHaveBeenCalledTimes(1);
      const [[{ email, clientIp, now }], usedManager] = cooldown.acquireAll.mock.calls[0];
      expect(email).toBe('someone@example.com');
      expect(clientIp).toBe('203.0.113.7');
      expect(usedManager).toBe(manager);
      // One moment for both: the cooldown and the row agree on when the request came.
      expect(emails.recordMany.mock.calls[0][0][0].now).toBe(now);
    });

    it('should record requests made together in one transaction, each with its own verdict, id and event', async () => {
      // The cooldown lets the first request for an address through and throttles the rest.
      const seen = new Set<string>();
      const { service, transactions, cooldown, emails, published } = requestServiceWith(
        (email) => !seen.has(email) && Boolean(seen.add(email)),
      );

      await Promise.all(
        ['bob@example.com', 'ann@example.com', 'bob@example.com', 'ann@example.com'].map((email) =>
          service.requestReset(email),
        ),
      );

      expect(transactions).toHaveLength(1);
      // All of them to the cooldown at once, in the order they came (it orders its own rows).
      expect(cooldown.acquireAll).toHaveBeenCalledTimes(1);
      expect(cooldown.acquireAll.mock.calls[0][0].map(({ email }) => email)).toEqual([
        'bob@example.com',
        'ann@example.com',
        'bob@example.com',
        'ann@example.com',
      ]);
      expect(emails.recordMany).toHaveBeenCalledTimes(1);
      expect(
        emails.recordMany.mock.calls[0][0].map(({ email, status }) => [email, status]),
      ).toEqual([
        ['bob@example.com', EmailStatus.Pending],
        ['ann@example.com', EmailStatus.Pending],
        ['bob@example.com', EmailStatus.Throttled],
        ['ann@example.com', EmailStatus.Throttled],
      ]);
      expect(
        published.map(([, event]) => (event as PasswordResetRequestedEvent).requestId),
      ).toEqual(['request-1', 'request-2', 'request-3', 'request-4']);
    });

    it('should record without BEGIN and COMMIT when the per-address rules are off (one INSERT)', async () => {
      const { service, transactions, cooldown, emails } = requestServiceWith(true);
      cooldown.enabled = false;

      await Promise.all([
        service.requestReset('ann@example.com'),
        service.requestReset('bob@example.com'),
      ]);

      expect(transactions).toHaveLength(0);
      expect(emails.recordMany).toHaveBeenCalledTimes(1);
      expect(emails.recordMany.mock.calls[0][1]).toBe(manager);
    });

    it('should normalise the address before the cooldown and the queue see it', async () => {
      const { service, cooldown, emails } = requestServiceWith(true);

      await service.requestReset('  Someone@EXAMPLE.com ');

      expect(cooldown.acquireAll.mock.calls[0][0][0].email).toBe('someone@example.com');
      expect(emails.recordMany.mock.calls[0][0][0].email).toBe('someone@example.com');
    });

    it('should record a request inside the cooldown as throttled, and still emit the event', async () => {
      const { service, published, emails } = requestServiceWith(false);

      await service.requestReset('someone@example.com');

      expect(emails.recordMany.mock.calls[0][0][0].status).toBe(EmailStatus.Throttled);
      expect(published).toHaveLength(1);
      expect(published[0][0]).toBe(PASSWORD_RESET_EVENTS.requested);
    });

    it.each(['not-an-email', 'a b@example.com', '"quoted"@example.com', ''])(
      'should refuse the malformed address %p with INVALID_EMAIL, recording nothing',
      async (address) => {
        const { service, published, transactions, emails } = requestServiceWith(true);

        const error = await refusal(service.requestReset(address));

        expect(error.code).toBe(PasswordResetErrorCode.InvalidEmail);
        expect(transactions).toHaveLength(0);
        expect(emails.recordMany).not.toHaveBeenCalled();
        expect(published).toEqual([]);
      },
    );
  });

  describe('verify', () => {
    it('should answer when a live token expires, without using it up', async () => {
      const { service, resetTokens } = resetServiceWith();

      await expect(service.verify(TOKEN)).resolves.toBe(LIVE.expiresAt);
      expect(resetTokens.findLive).toHaveBeenCalledWith(TOKEN);
      expect(resetTokens.consume).not.toHaveBeenCalled();
    });

    it('should refuse an unknown or expired token with the one invalid-link answer', async () => {
      const { service } = resetServiceWith({ live: null });

      await expectInvalidToken(service.verify(TOKEN));
    });
  });

  describe('reset', () => {
    it("should check the password against the account's address, then change it via the changer with the plain password", async () => {
      const { service, policy, passwordChanger } = resetServiceWith();

      await service.reset(TOKEN, NEW_PASSWORD);

      expect(policy.assertAcceptable).toHaveBeenCalledWith(NEW_PASSWORD, USER.email, undefined);
      expect(passwordChanger.change).toHaveBeenCalledTimes(1);
      const [user, password, via] = passwordChanger.change.mock.calls[0];
      expect(user).toBe(USER);
      expect(password).toBe(NEW_PASSWORD);
      expect(via).toBe('reset');
      expect(policy.assertAcceptable.mock.invocationCallOrder[0]).toBeLessThan(
        passwordChanger.change.mock.invocationCallOrder[0],
      );
    });

    it("should check the new password in the request's language", async () => {
      const { service, policy } = resetServiceWith();

      await service.reset(TOKEN, NEW_PASSWORD, { locale: 'de-AT' });

      expect(policy.assertAcceptable).toHaveBeenCalledWith(NEW_PASSWORD, USER.email, 'de');
    });

    it("should explain a refusal in the first of the request's languages the module speaks, even when an email locale of the host's own came first", async () => {
      const { service, policy } = resetServiceWith();

      // `it`: a locale a host added for its emails; the refusal's words exist in German, not Italian.
      await service.reset(TOKEN, NEW_PASSWORD, { locale: 'it', languages: ['it', 'de', 'en'] });

      expect(policy.assertAcceptable).toHaveBeenCalledWith(NEW_PASSWORD, USER.email, 'de');
    });

    it("should use the token up inside the changer's transaction", async () => {
      const { service, resetTokens } = resetServiceWith();

      await service.reset(TOKEN, NEW_PASSWORD);

      expect(resetTokens.consume).toHaveBeenCalledWith(LIVE.id, manager);
    });

    it('should publish PasswordResetCompletedEvent with the user id and the change time, and nothing else', async () => {
      const { service, published, changedAt } = resetServiceWith();

      await service.reset(TOKEN, NEW_PASSWORD);

      expect(published).toHaveLength(1);
      const [name, event] = published[0];
      expect(name).toBe(PASSWORD_RESET_EVENTS.completed);
      expect(event).toBeInstanceOf(PasswordResetCompletedEvent);
      expect(event).toEqual(new PasswordResetCompletedEvent(USER.id, changedAt));
      expect(Object.keys(event as object).sort()).toEqual(['completedAt', 'userId']);
      const serialised = JSON.stringify(event);
      for (const secret of [USER.email, TOKEN, NEW_PASSWORD]) {
        expect(serialised).not.toContain(secret);
      }
    });

    it('should refuse an unknown or expired token before looking at the password', async () => {
      const { service, policy, passwordChanger, published } = resetServiceWith({ live: null });

      await expectInvalidToken(service.reset(TOKEN, NEW_PASSWORD));

      expect(policy.assertAcceptable).not.toHaveBeenCalled();
      expect(passwordChanger.change).not.toHaveBeenCalled();
      expect(published).toEqual([]);
    });

    it('should refuse a token whose account no longer exists', async () => {
      const { service, users, passwordChanger, published } = resetServiceWith({ user: null });

      await expectInvalidToken(service.reset(TOKEN, NEW_PASSWORD));

      expect(users.findById).toHaveBeenCalledWith(LIVE.userId);
      expect(passwordChanger.change).not.toHaveBeenCalled();
      expect(published).toEqual([]);
    });

    it('should leave the token usable when the password is refused', async () => {
      const { service, resetTokens, passwordChanger, published } = resetServiceWith({
        weak: true,
      });

      const error = await refusal(service.reset(TOKEN, 'password123'));

      expect(error.code).toBe(PasswordResetErrorCode.WeakPassword);
      expect(passwordChanger.change).not.toHaveBeenCalled();
      expect(resetTokens.consume).not.toHaveBeenCalled();
      expect(published).toEqual([]);
    });

    it('should refuse, and announce nothing, when a concurrent reset used the token first', async () => {
      const { service, published } = resetServiceWith({ consumed: null });

      await expectInvalidToken(service.reset(TOKEN, NEW_PASSWORD));

      expect(published).toEqual([]);
    });
  });

  describe('a link whose account is gone', () => {
    it.each(['verify', 'reset'] as const)(
      "should refuse it in %s with the one invalid-link answer, and delete the account's links",
      async (call) => {
        const { service, resetTokens, passwordChanger } = resetServiceWith({ user: null });

        await expectInvalidToken(
          call === 'verify' ? service.verify(TOKEN) : service.reset(TOKEN, NEW_PASSWORD),
        );

        expect(resetTokens.revokeAllForUser).toHaveBeenCalledWith(LIVE.userId);
        expect(passwordChanger.change).not.toHaveBeenCalled();
      },
    );
  });
});
