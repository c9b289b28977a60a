import { MoreThanOrEqual } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { EmailKind, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { eventually } from '../embedding/support/eventually';
import { OTHER_STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, ReceivedMail, SmtpTestServer } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { useHostUsersApp } from './support/host-users-app';

/** `delivery.maxAttempts`: a request whose lookup fails this often is given up on. */
const MAX_ATTEMPTS = 2;

/** An address as a host stored it, in mixed case, and the normal form requests use. */
function mixedCaseAddress(name = 'Alice'): { stored: string; normal: string } {
  const stored = `${name}-${randomBytes(4).toString('hex').toUpperCase()}@Example.COM`;
  return { stored, normal: stored.toLowerCase() };
}

/**
 * Mail to the address as the host stores it. Its local part is sent as stored; the mailer lower-cases
 * the domain, which is case-insensitive anyway.
 */
function mailTo(smtp: SmtpTestServer, stored: string): ReceivedMail[] {
  const [local, domain] = stored.split('@');
  return smtp.mailTo(`${local}@${domain.toLowerCase()}`);
}

describe.each(databaseKinds())('A host with its own users port (%s)', (kind) => {
  const ctx = useHostUsersApp(kind, { maxAttempts: MAX_ATTEMPTS });

  afterEach(() => {
    ctx.users.failingAddresses.clear();
    ctx.users.failAll = false;
  });

  describe('that stores addresses in mixed case', () => {
    it('should send the link to the address as the host stores it, though its batch lookup keys the answer by that form', async () => {
      const { stored, normal } = mixedCaseAddress();
      ctx.users.add(stored);

      await ctx.service.requestReset(normal);
      await ctx.processor.wake();

      // Not settled as a request for an address with no account (which would blank its address).
      const rows = await ctx.queue.findBy({ kind: EmailKind.PasswordReset, email: normal });
      expect(rows.map((row) => row.status)).toEqual([EmailStatus.Done]);
      const mails = mailTo(ctx.smtp, stored);
      expect(mails).toHaveLength(1);
      expect(extractResetToken(mails[0])).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it("should withdraw the reset request still queued and lift the address's login locks when a reset changes the password", async () => {
      const started = new Date();
      const { stored, normal } = mixedCaseAddress();
      const user = ctx.users.add(stored);
      await ctx.service.requestReset(normal);
      await ctx.processor.wake();
      const [first] = mailTo(ctx.smtp, stored);
      const token = extractResetToken(first);
      // Someone guessing from one network has locked the address for logins from it.
      const attacker = '203.0.113.7';
      while (await ctx.lockout.attempt(normal, attacker));
      expect(await ctx.lockout.isLocked(normal, attacker)).toBe(true);

      // A second request is claimed, and waits on the host's (slow) users database...
      const release = ctx.users.hold();
      const lookups = ctx.users.batchLookups.length;
      await ctx.service.requestReset(normal);
      await eventually(() => expect(ctx.users.batchLookups.length).toBeGreaterThan(lookups));
      // ...while the owner sets a new password with the first link.
      await ctx.service.reset(token, OTHER_STRONG_PASSWORD);
      release();
      await ctx.processor.wake();
      await ctx.processor.wake();

      expect(ctx.users.passwordOf(user.id)).toBe(OTHER_STRONG_PASSWORD);
      const resets = await ctx.queue.find({
        where: { kind: EmailKind.PasswordReset, createdAt: MoreThanOrEqual(started) },
        order: { createdAt: 'ASC' },
      });
      expect(resets.map((row) => row.status)).toEqual([EmailStatus.Done, EmailStatus.Cancelled]);
      // One link only, then the notice, to the address as the host stores it.
      const mails = mailTo(ctx.smtp, stored);
      expect(mails.map((mail) => mail.parsed.subject)).toEqual([
        'Host Identity: reset your password',
        'Host Identity: your password was changed',
      ]);
      expect(await ctx.lockout.isLocked(normal, attacker)).toBe(false);
    });
  });

  describe('whose lookups throw', () => {
    /** Records the requests in one transaction, as if they came together, and runs the queue once. */
    async function queueTogether(requests: [EmailKind, string][]): Promise<string[]> {
      const now = new Date();
      const ids = await ctx.dataSource.transaction((manager) =>
        ctx.outbox.recordMany(
          requests.map(([kind, email]) => ({ kind, email, status: EmailStatus.Pending, now })),
          manager,
        ),
      );
      await ctx.processor.wake();
      return ids;
    }

    /** Waits for the row's next attempt to be due, then runs the queue. */
    async function retryWhenDue(id: string): Promise<void> {
      const { nextAttemptAt } = await ctx.queue.findOneByOrFail({ id });
      const wait = nextAttemptAt.getTime() - Date.now() + 20;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await ctx.processor.wake();
    }

    /** The row as a failed attempt left it: back in the queue, nothing of the address in its error. */
    async function expectRetried(id: string, address: string): Promise<void> {
      const row = await ctx.queue.findOneByOrFail({ id });
      expect(row).toMatchObject({
        status: EmailStatus.Pending,
        attempts: 1,
        claimId: null,
        claimedUntil: null,
      });
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(row.createdAt.getTime());
      expect(row.lastError).toMatch(/users database timed out/);
      expect(row.lastError!.toLowerCase()).not.toContain(address);
    }

    it('should send the rest of the batch when one address fails to look up, and retry that request alone until maxAttempts', async () => {
      const good = mixedCaseAddress('Good');
      const bad = mixedCaseAddress('Bad');
      const owner = mixedCaseAddress('Owner');
      ctx.users.add(good.stored);
      ctx.users.add(bad.stored);
      ctx.users.failingAddresses.add(bad.normal);

      const [goodId, badId, noticeId] = await queueTogether([
        [EmailKind.PasswordReset, good.normal],
        [EmailKind.PasswordReset, bad.normal],
        [EmailKind.PasswordChanged, owner.stored],
      ]);

      expect(mailTo(ctx.smtp, good.stored)).toHaveLength(1);
      expect(mailTo(ctx.smtp, owner.stored)).toHaveLength(1);
      expect(mailTo(ctx.smtp, bad.stored)).toHaveLength(0);
      for (const id of [goodId, noticeId]) {
        expect(await ctx.queue.findOneByOrFail({ id })).toMatchObject({ status: EmailStatus.Done });
      }
      await expectRetried(badId, bad.normal);

      await retryWhenDue(badId);
      const failed = await ctx.queue.findOneByOrFail({ id: badId });
      expect(failed).toMatchObject({ status: EmailStatus.Failed, attempts: MAX_ATTEMPTS });
      expect(mailTo(ctx.smtp, bad.stored)).toHaveLength(0);
      expect(ctx.host.logger.text().toLowerCase()).not.toContain(bad.normal);
    });

    it('should send the notices of a batch whose every lookup throws, and retry its reset requests until maxAttempts', async () => {
      const alice = mixedCaseAddress('Alice');
      const bob = mixedCaseAddress('Bob');
      const owner = mixedCaseAddress('Owner');
      ctx.users.add(alice.stored);
      ctx.users.add(bob.stored);
      ctx.users.failAll = true;

      const [aliceId, bobId, noticeId] = await queueTogether([
        [EmailKind.PasswordReset, alice.normal],
        [EmailKind.PasswordReset, bob.normal],
        [EmailKind.PasswordChanged, owner.stored],
      ]);

      expect(mailTo(ctx.smtp, owner.stored)).toHaveLength(1);
      expect(await ctx.queue.findOneByOrFail({ id: noticeId })).toMatchObject({
        status: EmailStatus.Done,
      });
      await expectRetried(aliceId, alice.normal);
      await expectRetried(bobId, bob.normal);

      await retryWhenDue(aliceId);
      await retryWhenDue(bobId);
      for (const id of [aliceId, bobId]) {
        expect(await ctx.queue.findOneByOrFail({ id })).toMatchObject({
          status: EmailStatus.Failed,
          attempts: MAX_ATTEMPTS,
        });
      }
      expect([...mailTo(ctx.smtp, alice.stored), ...mailTo(ctx.smtp, bob.stored)]).toEqual([]);
      const logs = ctx.host.logger.text().toLowerCase();
      expect(logs).not.toContain(alice.normal);
      expect(logs).not.toContain(bob.normal);
    });
  });
});
