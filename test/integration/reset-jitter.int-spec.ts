import { EmailQueueProcessor } from '../../src/email-queue/email-queue.processor';
import { EmailKind, EmailStatus, QueuedEmail } from '../../src/email-queue/queued-email.entity';
import { newEmail, registerUser } from '../support/factories';
import { ModuleHost, useModuleHost } from './support/module-host';
import { databaseKinds } from '../support/test-database';

/**
 * A reset email goes out at a random moment after its request (`delivery.resetJitterMs`), for known and
 * unknown addresses alike, so the work of sending it does not follow the answer where the caller's
 * next request could time it.
 */
describe.each(databaseKinds())('Reset email jitter (%s)', (kind) => {
  const resetRow = async (app: ModuleHost, email: string) => {
    const rows = await app.dataSource
      .getRepository(QueuedEmail)
      .findBy({ kind: EmailKind.PasswordReset });
    // Settled rows for unknown addresses lose the address: find ours among the live ones.
    const row = rows.find((candidate) => candidate.email === email);
    if (!row) throw new Error(`no queued reset email for ${email}`);
    return row;
  };

  describe('with a long jitter', () => {
    const jitterMs = 60_000;
    // The poller out of the way: only the request's own wake-up could send early.
    const ctx = useModuleHost(kind, {
      options: { delivery: { resetJitterMs: jitterMs, pollIntervalSeconds: 3600 } },
    });

    it('should make every reset email due at a random moment within the jitter, known or not, and send none before it', async () => {
      const known = await registerUser(ctx.host);
      const unknown = newEmail('nobody');
      const before = Date.now();
      for (const email of [known.email, unknown]) {
        await ctx.host.http().post('/auth/forgot-password').send({ email }).expect(202);
      }

      const rows = await Promise.all(
        [known.email, unknown].map((email) => resetRow(ctx.host, email)),
      );
      for (const row of rows) {
        const delay = row.nextAttemptAt.getTime() - row.createdAt.getTime();
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(jitterMs);
        expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
      }
      // A wake-up now (as another request's would be) claims nothing that is not due yet. Both rows
      // due already would mean both drew a delay shorter than this test has run: no jitter at all.
      const dueNow = rows.filter((row) => row.nextAttemptAt.getTime() <= Date.now());
      expect(dueNow.length).toBeLessThan(rows.length);
      await ctx.host.app.get(EmailQueueProcessor).wake();
      for (const row of rows) {
        if (dueNow.includes(row)) continue;
        const after = await ctx.host.dataSource
          .getRepository(QueuedEmail)
          .findOneByOrFail({ id: row.id });
        expect(after).toMatchObject({ status: EmailStatus.Pending, attempts: 0 });
      }
      if (!dueNow.some((row) => row.email === known.email)) {
        expect(ctx.smtp.mailTo(known.email)).toHaveLength(0);
      }
    });
  });

  describe('with a short jitter', () => {
    const ctx = useModuleHost(kind, {
      options: { delivery: { resetJitterMs: 400, pollIntervalSeconds: 3600 } },
    });

    it('should send the email by itself once it is due, not before', async () => {
      const user = await registerUser(ctx.host);
      await ctx.host.http().post('/auth/forgot-password').send({ email: user.email }).expect(202);
      const { id, nextAttemptAt } = await resetRow(ctx.host, user.email);

      await ctx.smtp.waitForMail(user.email, 1, 10_000);
      const arrivedAt = Date.now();

      expect(arrivedAt).toBeGreaterThanOrEqual(nextAttemptAt.getTime());
      // The row is settled just after the server accepted the message.
      const settled = async (): Promise<EmailStatus> => {
        for (let tries = 0; tries < 50; tries++) {
          const row = await ctx.host.dataSource.getRepository(QueuedEmail).findOneByOrFail({ id });
          if (row.status !== EmailStatus.Processing) return row.status;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return EmailStatus.Processing;
      };
      expect(await settled()).toBe(EmailStatus.Done);
    });
  });
});
