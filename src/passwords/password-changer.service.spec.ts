import type { EntityManager } from 'typeorm';
import type { UnitOfWork } from '../database/unit-of-work';
import type { EmailQueueService } from '../email-queue/email-queue.service';
import { EmailKind, EmailStatus } from '../email-queue/queued-email.entity';
import { PASSWORD_RESET_EVENTS, PasswordChangedEvent } from '../events/password-reset-events';
import type { PasswordResetEventsPublisher } from '../events/password-reset-events.publisher';
import type { LoginLockoutService } from '../limits/per-address/login-lockout.service';
import type { ResetTokensService } from '../tokens/reset-tokens.service';
import type { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import { PasswordChanger } from './password-changer.service';

const USER: ResetUser = { id: 'user-42', email: 'alice@example.com' };
const NEW_PASSWORD = 'violet tractor sings at midnight';
const PREPARED = '$argon2id$prepared';

/** The transaction's manager: the unit under test only passes it on. */
const manager = { name: 'transaction manager' } as unknown as EntityManager;

/** PasswordChanger over fakes that log, in order, what happened inside and outside the transaction. */
function changerWith() {
  const log: string[] = [];
  const managers: unknown[] = [];
  const inside =
    (name: string) =>
    (...args: unknown[]) => {
      log.push(name);
      managers.push(args[args.length - 1]);
      return Promise.resolve();
    };
  const users = {
    preparePassword: jest.fn((_password: string) => {
      log.push('prepare');
      return Promise.resolve(PREPARED);
    }),
    setPassword: jest.fn(inside('setPassword')),
  };
  const emails = {
    cancelResets: jest.fn(inside('cancelResets')),
    recordMany: jest.fn(inside('record')),
  };
  const resetTokens = { revokeAllForUser: jest.fn(inside('revokeAllForUser')) };
  const lockout = { clear: jest.fn(inside('clearLockout')) };
  const db = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      log.push('begin');
      try {
        return await work(manager);
      } finally {
        log.push('end');
      }
    },
  };
  const published: [string, unknown][] = [];
  const events = {
    publish: (name: string, event: unknown) => {
      log.push('publish');
      published.push([name, event]);
    },
  };
  const changer = new PasswordChanger(
    users as unknown as PasswordResetUsers,
    resetTokens as unknown as ResetTokensService,
    lockout as unknown as LoginLockoutService,
    emails as unknown as EmailQueueService,
    db as unknown as UnitOfWork,
    events as unknown as PasswordResetEventsPublisher,
  );
  return { changer, log, managers, users, emails, resetTokens, lockout, published };
}

describe(PasswordChanger.name, () => {
  it('should prepare the plain password before the transaction and store what the users port prepared', async () => {
    const { changer, log, users } = changerWith();

    await changer.change(USER, NEW_PASSWORD, 'change');

    expect(users.preparePassword).toHaveBeenCalledWith(NEW_PASSWORD);
    expect(users.setPassword).toHaveBeenCalledWith(USER.id, PREPARED, manager);
    expect(log.indexOf('prepare')).toBeLessThan(log.indexOf('begin'));
  });

  it("should, in one transaction, end the account's links and unsent requests, lift its locks and queue the notice", async () => {
    const { changer, log, managers, emails, resetTokens, lockout } = changerWith();

    const changedAt = await changer.change(USER, NEW_PASSWORD, 'change');

    expect(log.slice(log.indexOf('begin'), log.indexOf('end') + 1)).toEqual([
      'begin',
      'setPassword',
      'cancelResets',
      'revokeAllForUser',
      'clearLockout',
      'record',
      'end',
    ]);
    expect(managers.every((used) => used === manager)).toBe(true);
    expect(emails.cancelResets).toHaveBeenCalledWith(USER.email, changedAt, manager);
    expect(resetTokens.revokeAllForUser).toHaveBeenCalledWith(USER.id, manager);
    expect(lockout.clear).toHaveBeenCalledWith(USER.email, manager);
    expect(emails.recordMany).toHaveBeenCalledWith(
      [
        {
          kind: EmailKind.PasswordChanged,
          email: USER.email,
          status: EmailStatus.Pending,
          now: changedAt,
          locale: null,
          timeZone: null,
        },
      ],
      manager,
    );
  });

  it("should withdraw requests and lift locks under the address's normal form, and send the notice to the address as stored", async () => {
    const { changer, emails, lockout } = changerWith();
    const stored: ResetUser = { id: 'user-7', email: 'Alice@Example.COM' };

    const changedAt = await changer.change(stored, NEW_PASSWORD, 'reset');

    expect(emails.cancelResets).toHaveBeenCalledWith('alice@example.com', changedAt, manager);
    expect(lockout.clear).toHaveBeenCalledWith('alice@example.com', manager);
    expect(emails.recordMany.mock.calls[0][0]).toMatchObject([{ email: stored.email }]);
  });

  it.each([
    [
      'the account stores them',
      { locale: 'de-at', timeZone: 'europe/berlin' },
      'fr',
      'de-AT',
      'Europe/Berlin',
    ],
    ["the account stores none: the request's language", {}, 'fr', 'fr', null],
    [
      'the account stores malformed ones',
      { locale: 'not a tag', timeZone: '+01:00' },
      undefined,
      null,
      null,
    ],
  ])(
    "should queue the notice in the account's language and time zone, canonical, when %s",
    async (_, profile, requestLocale, locale, timeZone) => {
      const { changer, emails } = changerWith();

      await changer.change({ ...USER, ...profile }, NEW_PASSWORD, 'change', undefined, {
        locale: requestLocale,
      });

      expect(emails.recordMany.mock.calls[0][0]).toMatchObject([{ locale, timeZone }]);
    },
  );

  it.each(['reset', 'change'] as const)(
    'should announce the change (via %s) once committed, and return its time',
    async (via) => {
      const { changer, log, published } = changerWith();

      const changedAt = await changer.change(USER, NEW_PASSWORD, via);

      expect(changedAt).toBeInstanceOf(Date);
      expect(published).toEqual([
        [PASSWORD_RESET_EVENTS.passwordChanged, new PasswordChangedEvent(USER.id, changedAt, via)],
      ]);
      expect(log.indexOf('publish')).toBeGreaterThan(log.indexOf('end'));
    },
  );

  it('should run the precondition first in the transaction, and change nothing when it fails', async () => {
    const { changer, log, users, emails, published } = changerWith();
    const precondition = jest.fn((used: EntityManager) => {
      log.push('precondition');
      expect(used).toBe(manager);
      return Promise.reject(new Error('token already used'));
    });

    await expect(changer.change(USER, NEW_PASSWORD, 'reset', precondition)).rejects.toThrow(
      'token already used',
    );

    expect(log).toEqual(['prepare', 'begin', 'precondition', 'end']);
    expect(users.setPassword).not.toHaveBeenCalled();
    expect(emails.recordMany).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });
});
