import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { EmailKind, EmailStatus, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { PasswordResetError, PasswordResetErrorCode } from '../../src/errors/password-reset-error';
import {
  PASSWORD_RESET_EVENTS,
  PasswordResetRequestedEvent,
} from '../../src/events/password-reset-events';
import { PasswordResetToken } from '../../src/tokens/password-reset-token.entity';
import { OTHER_STRONG_PASSWORD } from '../support/factories';
import { extractResetToken } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { PasswordResetService, PasswordResetUsers } from '../../src';
import { EmailQueueProcessor } from '../../src/email-queue/email-queue.processor';
import { EmailQueueService } from '../../src/email-queue/email-queue.service';
import { SmtpTestServer } from '../support/smtp-test-server';
import { createTestDatabase, DatabaseKind, TestDatabase } from '../support/test-database';
import { InMemoryHostUsers } from './support/host-users-app';
import { ModuleHost, startModuleHost } from './support/module-host';

const HOUR_MS = 3_600_000;

/** Resolves with the domain error `promise` rejects with; fails when it resolves. */
async function refusal(promise: Promise<unknown>): Promise<PasswordResetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PasswordResetError) return error;
    throw error;
  }
  throw new Error('expected a PasswordResetError');
}

/** A host with its own users, the per-address caps on (their defaults), and a real SMTP server. */
function useCappedHost(kind: DatabaseKind) {
  const ctx = {} as {
    database: TestDatabase;
    smtp: SmtpTestServer;
    host: ModuleHost;
    users: InMemoryHostUsers;
    service: PasswordResetService;
    processor: EmailQueueProcessor;
    queue: Repository<QueuedEmail>;
    dataSource: DataSource;
  };
  beforeAll(async () => {
    ctx.database = await createTestDatabase(kind);
    ctx.smtp = await new SmtpTestServer().start();
    ctx.host = await startModuleHost({
      database: ctx.database,
      smtp: ctx.smtp,
      users: InMemoryHostUsers,
      options: {
        appName: 'Host Identity',
        // The tests run the queue themselves.
        delivery: { pollIntervalSeconds: 3600 },
        limits: {
          resetEmailCooldownSeconds: 60,
          resetEmailDailyLimit: 5,
          resetEmailDailyLimitPerAddress: 20,
        },
      },
    });
    ctx.users = ctx.host.app.get<PasswordResetUsers, InMemoryHostUsers>(PasswordResetUsers);
    ctx.service = ctx.host.app.get(PasswordResetService);
    ctx.processor = ctx.host.app.get(EmailQueueProcessor);
    ctx.dataSource = ctx.host.dataSource;
    ctx.queue = ctx.dataSource.getRepository(QueuedEmail);
  });
  afterAll(async () => {
    await ctx.host?.close();
    await ctx.smtp?.stop();
    await ctx.database?.drop();
  });
  return ctx;
}

/** A support desk or an admin panel sends a link to an account it names by id. */
describe.each(databaseKinds())('Links sent by the host (%s)', (kind) => {
  const ctx = useCappedHost(kind);
  const requested: PasswordResetRequestedEvent[] = [];
  beforeAll(() => {
    ctx.host.app
      .get(EventEmitter2)
      .on(PASSWORD_RESET_EVENTS.requested, (event: PasswordResetRequestedEvent) =>
        requested.push(event),
      );
  });

  const newAddress = () => `erin-${randomBytes(4).toString('hex')}@example.com`;
  const linkOf = (userId: string) =>
    ctx.dataSource.getRepository(PasswordResetToken).findOneByOrFail({ userId });

  it('should queue and send a reset link whose token lives tokenTtlMinutes', async () => {
    const email = newAddress();
    const user = ctx.users.add(email);
    const before = Date.now();
    const sent = await ctx.service.sendResetLink(user.id, { kind: 'reset' });
    await ctx.processor.wake();

    const [mail] = ctx.smtp.mailTo(email);
    expect(mail.parsed.subject).toBe('Host Identity: reset your password');
    expect(requested.map((event) => event.requestId)).toContain(sent.requestId);
    const { expiresAt } = await linkOf(user.id);
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    expect(expiresAt.getTime() - before).toBeLessThan(61 * 60_000);
    expect(await ctx.queue.findBy({ kind: EmailKind.PasswordReset, email })).toEqual([
      expect.objectContaining({ status: EmailStatus.Done }),
    ]);
  });

  it('should send an invitation in the account language whose link lives 72 hours and sets the password', async () => {
    const email = newAddress();
    const user = ctx.users.add(email, 'unused', { locale: 'de' });
    const before = Date.now();
    await ctx.service.sendResetLink(user.id, { kind: 'invite' });
    await ctx.processor.wake();

    const [mail] = ctx.smtp.mailTo(email);
    expect(mail.parsed.subject).toBe('Host Identity: Legen Sie Ihr Passwort fest');
    expect(mail.parsed.text).toContain('?lang=de#token=');
    const { expiresAt } = await linkOf(user.id);
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(72 * HOUR_MS - 1000);
    expect(expiresAt.getTime() - before).toBeLessThan(72 * HOUR_MS + 60_000);
    expect(await ctx.queue.findBy({ kind: EmailKind.Invite, email })).toEqual([
      expect.objectContaining({ status: EmailStatus.Done }),
    ]);

    await ctx.service.reset(extractResetToken(mail), OTHER_STRONG_PASSWORD);
    expect(ctx.users.passwordOf(user.id)).toBe(OTHER_STRONG_PASSWORD);
  });

  it('should hold host-sent links to the per-address caps', async () => {
    const email = newAddress();
    const user = ctx.users.add(email);
    expect(await ctx.service.sendResetLink(user.id, { kind: 'invite' })).toMatchObject({
      queued: true,
    });
    // Inside the address's cooldown, from the same sender.
    const second = await ctx.service.sendResetLink(user.id, { kind: 'reset' });
    expect(second.queued).toBe(false);
    await ctx.processor.wake();

    expect(ctx.smtp.mailTo(email)).toHaveLength(1);
    expect(await ctx.queue.findOneByOrFail({ id: second.requestId })).toMatchObject({
      status: EmailStatus.Throttled,
    });
  });

  it('should send an invitation queued longer ago than a reset link lives, and drop such a reset', async () => {
    const invited = newAddress();
    const reset = newAddress();
    ctx.users.add(invited);
    ctx.users.add(reset);
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS);
    const outbox = ctx.host.app.get(EmailQueueService);
    const inviteId = await outbox.record(
      EmailKind.Invite,
      invited,
      EmailStatus.Pending,
      twoHoursAgo,
    );
    const resetId = await outbox.record(
      EmailKind.PasswordReset,
      reset,
      EmailStatus.Pending,
      twoHoursAgo,
    );
    await ctx.processor.wake();

    expect(ctx.smtp.mailTo(invited)).toHaveLength(1);
    expect(ctx.smtp.mailTo(reset)).toHaveLength(0);
    expect(await ctx.queue.findOneByOrFail({ id: inviteId })).toMatchObject({
      status: EmailStatus.Done,
    });
    expect(await ctx.queue.findOneByOrFail({ id: resetId })).toMatchObject({
      status: EmailStatus.Failed,
    });
  });

  it('should refuse an id the users port does not know with UNKNOWN_ACCOUNT', async () => {
    const error = await refusal(ctx.service.sendResetLink('no-such-account', { kind: 'invite' }));
    expect(error.code).toBe(PasswordResetErrorCode.UnknownAccount);
    expect(error.message).toMatch(/no-such-account/);
  });
});
