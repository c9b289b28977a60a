import type { MailService } from '../mail/mail.service';
import type { PasswordResetSettings } from '../password-reset.options';
import type { ResetLinks } from '../reset/reset-links';
import type { ResetTokensService } from '../tokens/reset-tokens.service';
import type { PasswordResetUsers, ResetUser } from '../users/password-reset-users';
import type { ClaimedEmail, EmailQueueService } from './email-queue.service';
import { CLAIM_COALESCE_MS, EmailQueueProcessor } from './email-queue.processor';
import { EmailKind } from './queued-email.entity';

const SETTINGS = {
  tokenTtlMinutes: 30,
  delivery: { concurrentSends: 5, maxAttempts: 5, retryBaseSeconds: 5, claimTimeoutSeconds: 60 },
} as unknown as PasswordResetSettings;

/**
 * A processor over an in-memory queue of reset requests for addresses with no account: the path of
 * forgot-password for unknown addresses, where every request wakes the processor.
 */
function processorWith() {
  const due: ClaimedEmail[] = [];
  const claims: number[] = [];
  const settled: string[] = [];
  const retried: { id: string; error: string }[] = [];
  let next = 0;
  const outbox = {
    claimDue: jest.fn((limit: number) => {
      const batch = due.splice(0, limit);
      claims.push(batch.length);
      return Promise.resolve(batch);
    }),
    markNoAccount: jest.fn((requests: ClaimedEmail[]) => {
      settled.push(...requests.map((request) => request.id));
      return Promise.resolve(requests.length);
    }),
    markRetry: jest.fn((request: ClaimedEmail, error: string) => {
      retried.push({ id: request.id, error });
      return Promise.resolve(true);
    }),
  };
  const users = {
    findByEmails: jest.fn((_emails: string[]) => Promise.resolve(new Map<string, ResetUser>())),
    findByEmail: jest.fn((_email: string) => Promise.resolve<ResetUser | null>(null)),
  };
  const processor = new EmailQueueProcessor(
    outbox as unknown as EmailQueueService,
    users as unknown as PasswordResetUsers,
    {} as ResetTokensService,
    {} as ResetLinks,
    {} as MailService,
    SETTINGS,
  );
  /** A request recorded: the row is due. */
  const record = () => {
    next++;
    due.push({
      id: `request-${next}`,
      kind: EmailKind.PasswordReset,
      email: `nobody-${next}@example.com`,
      attempts: 1,
      createdAt: new Date(),
      claimId: `claim-${next}`,
      locale: null,
      timeZone: null,
    });
  };
  /** A request recorded and its event emitted: the row is due, and the processor is woken. */
  const request = () => {
    record();
    return processor.wake();
  };
  return { processor, record, request, claims, settled, retried, users };
}

describe(EmailQueueProcessor.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-27T10:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('should claim a lone request at once, without waiting', async () => {
    const { request, claims, settled } = processorWith();

    await request();

    expect(settled).toEqual(['request-1']);
    // The claim that found it, then the one that found nothing more.
    expect(claims[0]).toBe(1);
  });

  it('should gather requests that arrive while it works into a few claims, not one claim each', async () => {
    const { processor, request, claims, settled } = processorWith();
    const requests = 100;

    // One request a millisecond, as under steady load: each wakes the processor as it is recorded.
    for (let i = 0; i < requests; i++) {
      void request();
      await jest.advanceTimersByTimeAsync(1);
    }
    await jest.advanceTimersByTimeAsync(10 * CLAIM_COALESCE_MS);
    await processor.wake();

    expect(settled).toHaveLength(requests);
    expect(new Set(settled).size).toBe(requests);
    // At most one claim per coalescing window (plus the first and the last, empty, one).
    expect(claims.length).toBeLessThanOrEqual(Math.ceil(requests / CLAIM_COALESCE_MS) + 3);
  });

  it('should look the addresses up one by one when the batch lookup throws, and retry only the request whose lookup failed', async () => {
    const { processor, record, settled, retried, users } = processorWith();
    users.findByEmails.mockRejectedValue(
      new Error('users database failed on nobody-2@example.com'),
    );
    users.findByEmail.mockImplementation((email) =>
      email === 'nobody-2@example.com'
        ? Promise.reject(new Error(`users database failed on ${email}`))
        : Promise.resolve(null),
    );
    record();
    record();
    record();

    await processor.wake();

    expect(users.findByEmails).toHaveBeenCalledTimes(1);
    expect(users.findByEmail.mock.calls.map(([email]) => email).sort()).toEqual([
      'nobody-1@example.com',
      'nobody-2@example.com',
      'nobody-3@example.com',
    ]);
    expect(settled.sort()).toEqual(['request-1', 'request-3']);
    expect(retried).toEqual([
      {
        id: 'request-2',
        error: 'Looking up the account failed: Error: users database failed on [address]',
      },
    ]);
  });

  it('should not look a lone address up again when its lookup throws', async () => {
    const { request, retried, users } = processorWith();
    users.findByEmails.mockRejectedValue(new Error('users database is down'));

    await request();

    expect(users.findByEmail).not.toHaveBeenCalled();
    expect(retried).toEqual([
      { id: 'request-1', error: 'Looking up the account failed: Error: users database is down' },
    ]);
  });

  it('should wait for nothing when it is drained', async () => {
    const { processor, request } = processorWith();
    void request();
    void request();

    await expect(processor.drain(1_000)).resolves.toBe(true);
  });
});
