import { MoreThanOrEqual } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { EmailKind, EmailStatus } from '../../src/email-queue/queued-email.entity';
import { eventually } from '../embedding/support/eventually';
import { OTHER_STRONG_PASSWORD } from '../support/factories';
import { extractResetToken, ReceivedMail, SmtpTestServer } from '../support/smtp-test-server';
import { databaseKinds } from '../support/test-database';
import { useHostUsersApp } from './support/host-users-app';

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

describe.each(databaseKinds())(
  'A host whose users port stores addresses in mixed case (%s)',
  (kind) => {
    const ctx = useHostUsersApp(kind);

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
  },
);
